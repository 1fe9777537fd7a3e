#include "bench/graph/pg_client.h"

#include <libpq-fe.h>

#include "absl/strings/str_cat.h"
#include "common/big_endian.h"

namespace lineage::bench {
namespace {

struct ResultDeleter {
  void operator()(PGresult* r) const { PQclear(r); }
};
using Result = std::unique_ptr<PGresult, ResultDeleter>;

absl::Status Check(const Result& r, PGconn* conn, const std::string& what) {
  const ExecStatusType s = r == nullptr ? PGRES_FATAL_ERROR : PQresultStatus(r.get());
  if (s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK) return absl::OkStatus();
  return absl::InternalError(
      absl::StrCat(what, ": ", r ? PQresultErrorMessage(r.get()) : PQerrorMessage(conn)));
}

}  // namespace

absl::StatusOr<std::unique_ptr<PgClient>> PgClient::Connect(const std::string& conninfo) {
  PGconn* conn = PQconnectdb(conninfo.c_str());
  if (PQstatus(conn) != CONNECTION_OK) {
    const std::string message = PQerrorMessage(conn);
    PQfinish(conn);
    return absl::UnavailableError(absl::StrCat("PostgreSQL at \"", conninfo, "\": ", message));
  }
  return std::unique_ptr<PgClient>(new PgClient(conn));
}

PgClient::~PgClient() { PQfinish(conn_); }

absl::Status PgClient::Exec(const std::string& sql) {
  Result r(PQexec(conn_, sql.c_str()));
  return Check(r, conn_, sql);
}

absl::StatusOr<std::string> PgClient::QueryValue(const std::string& sql) {
  Result r(PQexec(conn_, sql.c_str()));
  if (absl::Status s = Check(r, conn_, sql); !s.ok()) return s;
  if (PQntuples(r.get()) < 1) return absl::NotFoundError(absl::StrCat(sql, ": no rows"));
  return std::string(PQgetvalue(r.get(), 0, 0));
}

absl::Status PgClient::Prepare(const std::string& name, const std::string& sql, int params) {
  Result r(PQprepare(conn_, name.c_str(), sql.c_str(), params, nullptr));
  return Check(r, conn_, absl::StrCat("PREPARE ", name));
}

absl::StatusOr<std::vector<uint64_t>> PgClient::QueryIds(const std::string& name,
                                                         const std::vector<std::string>& params) {
  std::vector<const char*> values;
  for (const std::string& p : params) values.push_back(p.c_str());
  Result r(PQexecPrepared(conn_, name.c_str(), static_cast<int>(values.size()), values.data(),
                          nullptr, nullptr, /*resultFormat=*/1));
  if (absl::Status s = Check(r, conn_, absl::StrCat("EXECUTE ", name)); !s.ok()) return s;
  const int rows = PQntuples(r.get());
  std::vector<uint64_t> ids(rows);
  for (int i = 0; i < rows; ++i) {
    if (PQgetlength(r.get(), i, 0) != 8) {
      return absl::InternalError(absl::StrCat(name, ": column 1 is not a bigint"));
    }
    ids[i] = ReadBigEndian<uint64_t>(PQgetvalue(r.get(), i, 0));
  }
  return ids;
}

}  // namespace lineage::bench
