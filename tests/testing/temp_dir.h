// A fresh directory for one test, removed with everything in it when the
// object goes away. Created under $TEST_TMPDIR or /tmp.
#ifndef LINEAGE_TESTS_TESTING_TEMP_DIR_H_
#define LINEAGE_TESTS_TESTING_TEMP_DIR_H_

#include <string>

namespace lineage::testing {

class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace lineage::testing

#endif  // LINEAGE_TESTS_TESTING_TEMP_DIR_H_
