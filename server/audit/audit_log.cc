#include "server/audit/audit_log.h"

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "common/log.h"
#include "server/ledger/proto_time.h"

namespace lineage {

AuditLog::AuditLog(Database& db, const Clock& clock) : store_(db), clock_(clock) {
  thread_ = std::thread([this] { Run(); });
}

AuditLog::~AuditLog() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  thread_.join();
}

void AuditLog::Record(v1::AccessRecord record, Done done) {
  absl::MutexLock lock(&mu_);
  queue_.emplace_back(std::move(record), std::move(done));
}

void AuditLog::Run() {
  while (true) {
    std::deque<std::pair<v1::AccessRecord, Done>> group;
    {
      absl::MutexLock lock(&mu_);
      mu_.Await(absl::Condition(
          +[](AuditLog* a) ABSL_EXCLUSIVE_LOCKS_REQUIRED(a->mu_) {
            return a->stopping_ || !a->queue_.empty();
          },
          this));
      if (queue_.empty()) return;
      group.swap(queue_);
    }
    absl::Status status = absl::OkStatus();
    if (!sequence_loaded_) {
      absl::StatusOr<uint64_t> next = store_.ReadNextSequence();
      if (next.ok()) {
        next_sequence_ = *next;
        sequence_loaded_ = true;
      } else {
        status = next.status();
      }
    }
    const uint64_t first_sequence = next_sequence_;
    if (status.ok()) {
      WriteBatch batch(store_.database());
      const uint64_t now = static_cast<uint64_t>(absl::ToUnixMicros(clock_.Now()));
      for (auto& [record, done] : group) {
        record.set_sequence(next_sequence_++);
        *record.mutable_time() = ProtoTimeFromMicros(now);
        std::vector<uint64_t> nodes(record.node_ids().begin(), record.node_ids().end());
        store_.Put(batch, now, record.sequence(), record.principal(), nodes,
                   record.SerializeAsString());
      }
      store_.PutNextSequence(batch, next_sequence_);
      status = store_.database().Write(batch, /*sync=*/true);
    }
    if (!status.ok()) {
      next_sequence_ = first_sequence;
      LOG_ERROR("access log write failed; refusing the calls it would record: ", status.ToString());
      status = absl::UnavailableError(absl::StrCat(
          "the access record of this call could not be written (", status.message(),
          "); the answer is withheld, retry later"));
    }
    for (auto& [record, done] : group) std::move(done)(status);
  }
}

absl::StatusOr<v1::QueryAccessLogResponse> AuditLog::Query(
    const v1::QueryAccessLogRequest& request) const {
  if (request.page_size() > 1000) {
    return absl::InvalidArgumentError(
        absl::StrCat("page_size: got ", request.page_size(), ", max 1000"));
  }
  std::string after;
  if (!request.page_token().empty() &&
      (!absl::WebSafeBase64Unescape(request.page_token(), &after) || after.size() != 16)) {
    return absl::InvalidArgumentError("page_token: not a token from a previous response");
  }
  const uint64_t from = request.has_from_time()
                            ? static_cast<uint64_t>(std::max<int64_t>(
                                  0, absl::ToUnixMicros(FromProtoTime(request.from_time()))))
                            : 0;
  const uint64_t to = request.has_to_time()
                          ? static_cast<uint64_t>(std::max<int64_t>(
                                0, absl::ToUnixMicros(FromProtoTime(request.to_time()))))
                          : ~uint64_t{0};
  const size_t page_size = request.page_size() == 0 ? 100 : request.page_size();
  v1::QueryAccessLogResponse out;
  std::string last;
  bool more = false;
  absl::Status bad = absl::OkStatus();
  absl::Status scanned = store_.Scan(
      from, to, request.principal(), request.node_id(), after,
      [&](absl::string_view key, absl::string_view bytes) {
        if (static_cast<size_t>(out.records_size()) >= page_size) {
          more = true;
          return false;
        }
        if (!out.add_records()->ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
          bad = absl::DataLossError("an access record does not parse");
          return false;
        }
        last = std::string(key);
        return true;
      });
  if (!scanned.ok()) return scanned;
  if (!bad.ok()) return bad;
  if (more) out.set_next_page_token(absl::WebSafeBase64Escape(last));
  return out;
}

}  // namespace lineage
