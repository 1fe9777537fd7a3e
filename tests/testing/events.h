// Valid lineage events for tests, built the way an orchestrator would.
#ifndef LINEAGE_TESTS_TESTING_EVENTS_H_
#define LINEAGE_TESTS_TESTING_EVENTS_H_

#include <string>

#include "lineage/v1/event.pb.h"

namespace lineage::testing {

// A completed ETL run in `ns` reading one dataset version and writing
// another; `id` makes the event, run and dataset names unique.
v1::LineageEvent MakeRunEvent(const std::string& ns, const std::string& id);

// "sha256:" and 64 hex characters derived from `seed`.
std::string DigestOf(const std::string& seed);

}  // namespace lineage::testing

#endif  // LINEAGE_TESTS_TESTING_EVENTS_H_
