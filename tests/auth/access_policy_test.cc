// AccessPolicy parsing, validation and grants; RateLimiter.
#include "server/auth/access_policy.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/auth/rate_limiter.h"

namespace lineage {
namespace {

using ::testing::HasSubstr;

TEST(AccessPolicyTest, GrantsAreTheUnionOfMatchingBindingsDenyByDefault) {
  auto policy = AccessPolicy::Parse(R"pb(
    bindings { principal: "spiffe://acme/ci/*" roles: ROLE_PRODUCER namespaces: "acme/*" }
    bindings { principal: "spiffe://acme/ci/airflow" roles: ROLE_AUDITOR }
  )pb", "policy.textproto");
  ASSERT_TRUE(policy.ok()) << policy.status();
  const Grants airflow = (*policy)->GrantsFor("spiffe://acme/ci/airflow");
  EXPECT_TRUE(airflow.Has(v1::ROLE_PRODUCER));
  EXPECT_TRUE(airflow.Has(v1::ROLE_AUDITOR));
  EXPECT_FALSE(airflow.Has(v1::ROLE_KEY_ADMIN));
  EXPECT_THAT(airflow.namespaces, ::testing::ElementsAre("acme/*"));
  const Grants dagster = (*policy)->GrantsFor("spiffe://acme/ci/dagster");
  EXPECT_TRUE(dagster.Has(v1::ROLE_PRODUCER));
  EXPECT_FALSE(dagster.Has(v1::ROLE_AUDITOR));
  EXPECT_EQ((*policy)->GrantsFor("spiffe://other").roles, 0u);
  EXPECT_EQ((*policy)->GrantsFor("local").roles, 0u);
}

TEST(AccessPolicyTest, JsonPoliciesParseToo) {
  auto policy = AccessPolicy::Parse(
      R"({"bindings": [{"principal": "ops", "roles": ["ROLE_OPERATOR"]}]})", "p.json");
  ASSERT_TRUE(policy.ok()) << policy.status();
  EXPECT_TRUE((*policy)->GrantsFor("ops").Has(v1::ROLE_OPERATOR));
}

TEST(AccessPolicyTest, BadPoliciesSayWhatAndWhere) {
  struct Case {
    const char* text;
    const char* message;
  };
  for (const Case& c : {
           Case{"bindings { principal: \"a\" roles: NOT_A_ROLE }", "line 1"},
           Case{"bindings { principal: \"\" roles: ROLE_AUDITOR }", "bindings[0].principal"},
           Case{"bindings { principal: \"*\" roles: ROLE_AUDITOR }", "bindings[0].principal"},
           Case{"bindings { principal: \"a*b\" roles: ROLE_AUDITOR }", "only at the end"},
           Case{"bindings { principal: \"a\" }", "grant at least one role"},
           Case{"bindings { principal: \"a\" roles: ROLE_PRODUCER }", "must list the namespaces"},
           Case{"bindings { principal: \"a\" roles: ROLE_PRODUCER namespaces: \"x*y\" }",
                "namespaces[0]"},
           Case{"bindings { principal: \"a\" roles: ROLE_AUDITOR rate_limit { calls_per_second: -1 } }",
                "rate_limit"},
       }) {
    auto policy = AccessPolicy::Parse(c.text, "policy.textproto");
    ASSERT_FALSE(policy.ok()) << c.text;
    EXPECT_EQ(policy.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(policy.status().message(), HasSubstr(c.message)) << c.text;
  }
}

TEST(AccessPolicyTest, DevelopmentPolicyGivesLocalEverythingAndNobodyElseAnything) {
  auto dev = AccessPolicy::Development();
  const Grants local = dev->GrantsFor("local");
  for (v1::Role r : {v1::ROLE_PRODUCER, v1::ROLE_AUDITOR, v1::ROLE_DELETION_OFFICER,
                     v1::ROLE_KEY_ADMIN, v1::ROLE_OPERATOR}) {
    EXPECT_TRUE(local.Has(r));
  }
  EXPECT_EQ(dev->GrantsFor("spiffe://x").roles, 0u);
}

TEST(RateLimiterTest, RefillsAtTheRateAndKeepsPrincipalsApart) {
  FakeClock clock(absl::FromUnixSeconds(1000));
  RateLimiter limiter(clock);
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(limiter.Take("a", "calls", 5, 1, "calls").ok());
  absl::Status over = limiter.Take("a", "calls", 5, 1, "calls");
  EXPECT_EQ(over.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(over.message(), HasSubstr("retry in 200 ms"));
  EXPECT_TRUE(limiter.Take("b", "calls", 5, 1, "calls").ok());
  clock.Advance(absl::Milliseconds(400));
  EXPECT_TRUE(limiter.Take("a", "calls", 5, 2, "calls").ok());
  EXPECT_FALSE(limiter.Take("a", "calls", 5, 1, "calls").ok());
  EXPECT_TRUE(limiter.Take("a", "calls", 0, 1000, "calls").ok());  // 0: no limit.
  // One batch larger than a second's worth still passes on a full bucket.
  clock.Advance(absl::Seconds(10));
  EXPECT_TRUE(limiter.Take("a", "events", 100, 500, "events").ok());
  EXPECT_FALSE(limiter.Take("a", "events", 100, 1, "events").ok());
}

}  // namespace
}  // namespace lineage
