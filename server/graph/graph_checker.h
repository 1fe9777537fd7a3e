// GraphChecker: the integrity check's view of the lineage graph. It replays
// every lineage event of the log, in order, through the same GraphIndexer
// the log writer uses, into a scratch RocksDB, and then compares every
// graph column family (and the graph's counters) with what is stored. Node
// IDs are assigned in log order, so the replay must match byte for byte;
// each difference is reported with its column, key and both values.
//
//   IntegrityChecker::Options options;
//   options.derived_index_checkers.push_back(GraphCheckerFactory());
//
// Thread-safety: one checker per check, one thread.
#ifndef LINEAGE_SERVER_GRAPH_GRAPH_CHECKER_H_
#define LINEAGE_SERVER_GRAPH_GRAPH_CHECKER_H_

#include "server/ledger/integrity_checker.h"

namespace lineage {

// Makes a GraphChecker for the store being checked. The scratch database
// lives in a temporary directory (under $TMPDIR or /tmp) removed at the end.
DerivedIndexCheckerFactory GraphCheckerFactory();

}  // namespace lineage

#endif  // LINEAGE_SERVER_GRAPH_GRAPH_CHECKER_H_
