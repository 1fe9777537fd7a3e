// A small hand-built ML pipeline whose lineage a person can work out on
// paper, for tests that compare against hand-computed sets and paths:
//
//   acme.raw      S1  customers@2026-11-01    RESTRICTED   tokens A, B   owner crm
//                 S1o customers@2026-10-01    RESTRICTED   token A       owner crm
//                 S2  transactions@2026-11-01 CONFIDENTIAL tokens B, C   owner payments
//                 S3  country_codes@1         PUBLIC                     owner ref-data
//   acme.etl      etl-customers:    S1, S3 -> C1 clean.customers@1       owner etl-team
//                 etl-transactions: S2     -> C2 clean.transactions@1    owner etl-team
//                 archive:          S1o    -> A1 archive.customers@2026-10 owner archive-team
//   acme.features build-features:   C1, C2 -> F1 features.fraud@7       owner feature-team
//                 build-geo:        S3     -> G1 features.geo@1         owner geo-team
//   acme.ml       train-fraud (TRAINING): F1, G1 -> M1 fraud-model@7    owner ml-team
//                 train-geo (TRAINING):   G1     -> M2 geo-model@1      owner ml-team
//                 evaluate (EVALUATION):  M1, C2 -> E1 eval.fraud@7     owner eval-team
//   acme.serving  fraud-api-prod (production) and fraud-api-staging serve M1;
//                 geo-api (production) serves M2
//
// Every version has a digest; keys below are the natural keys of
// tests/graph/reference_graph.h. Each event is appended alone, in the order
// listed, so log indices are 1, 2, ... (entry 0 is the producer key).
#ifndef LINEAGE_TESTS_GRAPH_AUDIT_PIPELINE_H_
#define LINEAGE_TESTS_GRAPH_AUDIT_PIPELINE_H_

#include <string>
#include <vector>

#include "lineage/v1/event.pb.h"

namespace lineage::testing {

struct AuditPipeline {
  std::vector<v1::LineageEvent> events;
  // Natural keys.
  std::string s1, s1o, s2, s3, c1, c2, a1, f1, g1, m1, m2, e1;
  std::string etl_customers, etl_transactions, archive, build_features, build_geo, train_fraud,
      train_geo, evaluate;
  std::string prod, staging, geo_api;
  // Digests, for selectors.
  std::string s1_digest, s2_digest, s3_digest, m1_digest;
  // Subject tokens.
  std::string token_a, token_b, token_c;
};

AuditPipeline MakeAuditPipeline();

}  // namespace lineage::testing

#endif  // LINEAGE_TESTS_GRAPH_AUDIT_PIPELINE_H_
