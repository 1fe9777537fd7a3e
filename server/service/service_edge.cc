#include "server/service/service_edge.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/util/json_util.h>

#include <set>

#include "absl/strings/str_cat.h"

namespace lineage {
namespace {

constexpr size_t kMaxRecordedNodes = 1000;
constexpr size_t kMaxRequestJson = 8 << 10;

bool IsNodeField(const std::string& name) {
  return name == "node_id" || name == "from_node_id" || name == "to_node_id" ||
         name == "source_node_id" || name == "node_ids" || name == "witness_path";
}

// Walks a message (depth-limited) collecting node IDs and namespaces.
void Collect(const google::protobuf::Message& m, int depth, std::set<uint64_t>& nodes,
             std::set<std::string>& namespaces) {
  if (depth > 8) return;
  const google::protobuf::Reflection* r = m.GetReflection();
  std::vector<const google::protobuf::FieldDescriptor*> fields;
  r->ListFields(m, &fields);
  for (const google::protobuf::FieldDescriptor* f : fields) {
    using FD = google::protobuf::FieldDescriptor;
    if (f->cpp_type() == FD::CPPTYPE_UINT64 && IsNodeField(f->name())) {
      if (f->is_repeated()) {
        for (int i = 0; i < r->FieldSize(m, f); ++i) nodes.insert(r->GetRepeatedUInt64(m, f, i));
      } else if (r->GetUInt64(m, f) != 0) {
        nodes.insert(r->GetUInt64(m, f));
      }
    } else if (f->cpp_type() == FD::CPPTYPE_STRING && !f->is_repeated() &&
               (f->name() == "namespace" || f->name() == "namespace_prefix")) {
      const std::string ns = r->GetString(m, f);
      if (!ns.empty() && namespaces.size() < 100) namespaces.insert(ns);
    } else if (f->cpp_type() == FD::CPPTYPE_MESSAGE && !f->is_map()) {
      if (f->is_repeated()) {
        for (int i = 0; i < r->FieldSize(m, f); ++i) {
          Collect(r->GetRepeatedMessage(m, f, i), depth + 1, nodes, namespaces);
        }
      } else {
        Collect(r->GetMessage(m, f), depth + 1, nodes, namespaces);
      }
    }
  }
}

void Merge(v1::AccessRecord& record, const google::protobuf::Message& m) {
  std::set<uint64_t> nodes;
  std::set<std::string> namespaces(record.namespaces().begin(), record.namespaces().end());
  Collect(m, 0, nodes, namespaces);
  std::set<uint64_t> recorded(record.node_ids().begin(), record.node_ids().end());
  for (uint64_t id : nodes) {
    if (recorded.insert(id).second) {
      record.set_nodes_answered(record.nodes_answered() + 1);
      if (static_cast<size_t>(record.node_ids_size()) < kMaxRecordedNodes) record.add_node_ids(id);
    }
  }
  record.clear_namespaces();
  for (const std::string& ns : namespaces) record.add_namespaces(ns);
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
  Merge(record, request);
  record.set_nodes_answered(0);  // Counts answer nodes only.
  return record;
}

void ServiceEdge::AddAnswer(v1::AccessRecord& record, const google::protobuf::Message& answer) {
  Merge(record, answer);
}

void ServiceEdge::Record(v1::AccessRecord record, const absl::Status& status,
                         std::function<void(absl::Status)> then) {
  record.set_status_code(static_cast<int32_t>(status.code()));
  record.set_status_message(std::string(status.message()));
  if (audit_ == nullptr) {
    then(absl::OkStatus());
    return;
  }
  audit_->Record(std::move(record), [then = std::move(then)](absl::Status s) mutable { then(s); });
}

}  // namespace lineage
