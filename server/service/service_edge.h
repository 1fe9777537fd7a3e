// ServiceEdge: what every handler does around its domain call, written once:
// authorize the caller (AccessControl), call the domain, record the access
// durably (AuditLog), convert the status, finish. Handlers stay one
// statement long:
//
//   return edge_.Unary(context, "lineage.v1.LogService/GetCheckpoint", *request, response,
//                      {v1::ROLE_AUDITOR},
//                      [&](const Caller&) { return ledger_.log().GetCheckpoint(); });
//
// Refused calls are recorded too (without waiting). Answers are sent only
// after their access record is durable; if it cannot be written the call
// fails with UNAVAILABLE rather than go unrecorded.
//
// Thread-safety: safe for concurrent use. Access control and the audit log
// (optional: null records nothing) must outlive it.
#ifndef LINEAGE_SERVER_SERVICE_SERVICE_EDGE_H_
#define LINEAGE_SERVER_SERVICE_SERVICE_EDGE_H_

#include <google/protobuf/message.h>
#include <grpcpp/grpcpp.h>

#include <functional>
#include <initializer_list>
#include <memory>

#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "lineage/v1/audit.pb.h"
#include "server/audit/audit_log.h"
#include "server/service/access_control.h"
#include "server/service/grpc_status.h"

namespace lineage {

class ServiceEdge {
 public:
  ServiceEdge(const AccessControl& access, AuditLog* audit) : access_(access), audit_(audit) {}

  const AccessControl& access() const { return access_; }

  // A unary call whose domain work is synchronous and short.
  template <typename Request, typename Response>
  grpc::ServerUnaryReactor* Unary(grpc::CallbackServerContext* context, absl::string_view method,
                                  const Request& request, Response* response,
                                  std::initializer_list<v1::Role> roles,
                                  absl::FunctionRef<absl::StatusOr<Response>(const Caller&)> call) {
    grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
    absl::StatusOr<Caller> caller = Admit(context, method, request, roles);
    if (!caller.ok()) {
      reactor->Finish(ToGrpcStatus(caller.status()));
      return reactor;
    }
    Complete(context, method, request, *caller, reactor, response, call(*caller));
    return reactor;
  }

  // A unary call whose domain work completes later: `start(caller, done)`.
  template <typename Request, typename Response>
  grpc::ServerUnaryReactor* UnaryAsync(
      grpc::CallbackServerContext* context, absl::string_view method, const Request& request,
      Response* response, std::initializer_list<v1::Role> roles,
      std::function<void(const Caller&, std::function<void(absl::StatusOr<Response>)>)> start) {
    grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
    absl::StatusOr<Caller> caller = Admit(context, method, request, roles);
    if (!caller.ok()) {
      reactor->Finish(ToGrpcStatus(caller.status()));
      return reactor;
    }
    std::string name(method);
    start(*caller, [this, context, name, &request, caller = *caller, reactor,
                    response](absl::StatusOr<Response> result) {
      Complete(context, name, request, caller, reactor, response, std::move(result));
    });
    return reactor;
  }

  // Authorizes a call; a refusal is recorded (not awaited) and returned.
  absl::StatusOr<Caller> Admit(grpc::CallbackServerContext* context, absl::string_view method,
                               const google::protobuf::Message& request,
                               std::initializer_list<v1::Role> roles);

  // An access record for a call, to be completed with AddAnswer and Record.
  v1::AccessRecord Begin(grpc::CallbackServerContext* context, absl::string_view method,
                         const std::string& principal, const google::protobuf::Message& request);

  // Notes the nodes an answer (or one page of it) names.
  static void AddAnswer(v1::AccessRecord& record, const google::protobuf::Message& answer);

  // Writes the record with `status`; `then(status)` runs when it is durable
  // (status is then `status`), or with UNAVAILABLE if it cannot be written.
  void Record(v1::AccessRecord record, const absl::Status& status,
              std::function<void(absl::Status)> then);

  // Two-step records, for answers computed after the call is recorded
  // (AuditLog::Open and Complete). `opened` gets the record as stored, or
  // UNAVAILABLE; without an audit log, the record itself at once.
  void Open(v1::AccessRecord record, std::function<void(absl::StatusOr<v1::AccessRecord>)> opened);
  // `opened` (as Open gave it) with its answer fields and `status`; `then`
  // (may be null) once written.
  void Complete(v1::AccessRecord opened, const absl::Status& status,
                std::function<void(absl::Status)> then);
  // See AuditLog::RecoverOpen; 0 without an audit log.
  absl::StatusOr<size_t> RecoverOpen(AuditLog::Recompute recompute);

 private:
  template <typename Request, typename Response>
  void Complete(grpc::CallbackServerContext* context, absl::string_view method,
                const Request& request, const Caller& caller, grpc::ServerUnaryReactor* reactor,
                Response* response, absl::StatusOr<Response> result) {
    v1::AccessRecord record = Begin(context, method, caller.principal, request);
    if (result.ok()) AddAnswer(record, *result);
    const absl::Status status = result.status();
    auto shared = std::make_shared<absl::StatusOr<Response>>(std::move(result));
    Record(std::move(record), status, [reactor, response, shared](absl::Status recorded) {
      if (recorded.ok() && shared->ok()) *response = **std::move(shared);
      reactor->Finish(ToGrpcStatus(recorded.ok() ? shared->status() : recorded));
    });
  }

  const AccessControl& access_;
  AuditLog* const audit_;
};

}  // namespace lineage

#endif  // LINEAGE_SERVER_SERVICE_SERVICE_EDGE_H_
