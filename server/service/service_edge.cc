#include "server/service/service_edge.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/util/json_util.h>

#include "absl/strings/str_cat.h"
#include "server/service/answer_nodes.h"

namespace lineage {
namespace {

constexpr size_t kMaxRequestJson = 8 << 10;

void SetStatus(v1::AccessRecord& record, const absl::Status& status) {
  record.set_status_code(static_cast<int32_t>(status.code()));
  record.set_status_message(std::string(status.message()));
}

}  // namespace

absl::StatusOr<Caller> ServiceEdge::Admit(grpc::CallbackServerContext* context,
                                          absl::string_view method,
                                          const google::protobuf::Message& request,
                                          std::initializer_list<v1::Role> roles) {
  absl::StatusOr<Caller> caller = access_.Check(*context, roles);
  if (!caller.ok()) {
    Record(Begin(context, method, AccessControl::PrincipalOf(*context), request), caller.status(),
           [](absl::Status) {});
  }
  return caller;
}

v1::AccessRecord ServiceEdge::Begin(grpc::CallbackServerContext* context, absl::string_view method,
                                    const std::string& principal,
                                    const google::protobuf::Message& request) {
  v1::AccessRecord record;
  record.set_principal(principal);
  record.set_method(std::string(method));
  record.set_peer(context->peer());
  std::string json;
  (void)google::protobuf::util::MessageToJsonString(request, &json);
  if (json.size() > kMaxRequestJson) {
    // Cut between characters: the record must stay valid UTF-8.
    size_t cut = kMaxRequestJson;
    while (cut > 0 && (static_cast<unsigned char>(json[cut]) & 0xC0) == 0x80) --cut;
    json = json.substr(0, cut) + "...";
  }
  record.set_request_json(std::move(json));
  MergeNamedNodes(record, request);
  record.set_nodes_answered(0);  // Counts answer nodes only.
  return record;
}

void ServiceEdge::AddAnswer(v1::AccessRecord& record, const google::protobuf::Message& answer) {
  MergeNamedNodes(record, answer);
}

void ServiceEdge::Record(v1::AccessRecord record, const absl::Status& status,
                         std::function<void(absl::Status)> then) {
  SetStatus(record, status);
  if (audit_ == nullptr) {
    then(absl::OkStatus());
    return;
  }
  audit_->Record(std::move(record), [then = std::move(then)](absl::Status s) mutable { then(s); });
}

void ServiceEdge::Open(v1::AccessRecord record,
                       std::function<void(absl::StatusOr<v1::AccessRecord>)> opened) {
  if (audit_ == nullptr) {
    opened(std::move(record));
    return;
  }
  audit_->Open(std::move(record),
               [opened = std::move(opened)](absl::StatusOr<v1::AccessRecord> r) mutable {
                 opened(std::move(r));
               });
}

void ServiceEdge::Complete(v1::AccessRecord opened, const absl::Status& status,
                           std::function<void(absl::Status)> then) {
  SetStatus(opened, status);
  if (audit_ == nullptr) {
    if (then) then(absl::OkStatus());
    return;
  }
  AuditLog::Done done = nullptr;
  if (then) done = [then = std::move(then)](absl::Status s) mutable { then(s); };
  audit_->Complete(std::move(opened), std::move(done));
}

absl::StatusOr<size_t> ServiceEdge::RecoverOpen(AuditLog::Recompute recompute) {
  if (audit_ == nullptr) return size_t{0};
  return audit_->RecoverOpen(recompute);
}

}  // namespace lineage
