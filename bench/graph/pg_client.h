// PgClient: the little of libpq the graph benchmark needs: one connection,
// prepared statements, and answers read as a column of bigint IDs in binary
// format (so PostgreSQL's side pays no text formatting or parsing).
//
//   ASSIGN_OR_RETURN(auto pg, PgClient::Connect("host=127.0.0.1 port=5433 dbname=lineage"));
//   RETURN_IF_ERROR(pg->Prepare("down", "WITH RECURSIVE ... $1 ...", 1));
//   ASSIGN_OR_RETURN(std::vector<uint64_t> ids, pg->QueryIds("down", {"42"}));
//
// Thread-safety: not thread-safe (one libpq connection).
#ifndef LINEAGE_BENCH_GRAPH_PG_CLIENT_H_
#define LINEAGE_BENCH_GRAPH_PG_CLIENT_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

struct pg_conn;

namespace lineage::bench {

class PgClient {
 public:
  // UNAVAILABLE with libpq's message if the connection fails.
  static absl::StatusOr<std::unique_ptr<PgClient>> Connect(const std::string& conninfo);
  ~PgClient();

  // Runs `sql` and discards any rows. INTERNAL with PostgreSQL's message.
  absl::Status Exec(const std::string& sql);

  // The first column of the first row of `sql`, as text.
  absl::StatusOr<std::string> QueryValue(const std::string& sql);

  // PREPARE `name` AS `sql` with `params` text parameters.
  absl::Status Prepare(const std::string& name, const std::string& sql, int params);

  // Executes a prepared statement whose first column is a bigint; returns
  // that column, fetched whole in binary format.
  absl::StatusOr<std::vector<uint64_t>> QueryIds(const std::string& name,
                                                 const std::vector<std::string>& params);

 private:
  explicit PgClient(pg_conn* conn) : conn_(conn) {}
  pg_conn* conn_;
};

}  // namespace lineage::bench

#endif  // LINEAGE_BENCH_GRAPH_PG_CLIENT_H_
