// Database::Backlog, on real RocksDB: what the log writer's slow-group
// warning says about storage (level-0 files a read may check).
#include <string>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "storage/database.h"
#include "tests/testing/temp_dir.h"

namespace lineage {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(StorageBacklogTest, AnEmptyDatabaseHasNone) {
  testing::TempDir dir;
  std::unique_ptr<Database> db = *Database::Open({.path = dir.path()});
  EXPECT_EQ(db->Backlog(),
            "level-0 files: none above 1; memtables waiting: none; compaction pending: 0 MiB");
}

TEST(StorageBacklogTest, NamesTheColumnsWithLevelZeroFiles) {
  testing::TempDir dir;
  std::unique_ptr<Database> db = *Database::Open({.path = dir.path()});
  // Three flushes of overlapping keys leave three level-0 files in
  // graph_out (below RocksDB's trigger of four for a compaction).
  for (int round = 0; round < 3; ++round) {
    WriteBatch batch(*db);
    for (int i = 0; i < 100; ++i) {
      batch.Put(Column::kGraphOut, absl::StrCat("edge-", i), absl::StrCat(round));
    }
    ASSERT_TRUE(db->Write(batch, /*sync=*/false).ok());
    ASSERT_TRUE(db->Flush().ok());
  }
  const std::string backlog = db->Backlog();
  EXPECT_THAT(backlog, HasSubstr("level-0 files: graph_out 3;"));
  EXPECT_THAT(backlog, Not(HasSubstr("graph_in")));
  EXPECT_THAT(backlog, HasSubstr("memtables waiting: none"));
}

}  // namespace
}  // namespace lineage
