#include "bench/graph/lineage_reader.h"

#include <google/protobuf/arena.h>

#include <chrono>

#include "absl/strings/str_cat.h"

namespace lineage::bench {
namespace {

constexpr auto kDeadline = std::chrono::minutes(10);

absl::Status FromGrpc(const grpc::Status& s) {
  return absl::Status(static_cast<absl::StatusCode>(s.error_code()), s.error_message());
}

void SetDeadline(grpc::ClientContext& context) {
  context.set_deadline(std::chrono::system_clock::now() + kDeadline);
}

}  // namespace

grpc::ChannelArguments LineageReader::ChannelArgs() {
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(-1);
  return args;
}

absl::StatusOr<std::vector<uint64_t>> LineageReader::Traverse(const v1::TraverseRequest& request) {
  grpc::ClientContext context;
  SetDeadline(context);
  std::unique_ptr<grpc::ClientReader<v1::TraverseResponse>> reader =
      stub_->Traverse(&context, request);
  std::vector<uint64_t> ids;
  google::protobuf::Arena arena;  // Pages parse into it: no free per node.
  auto& page = *google::protobuf::Arena::CreateMessage<v1::TraverseResponse>(&arena);
  bool truncated = false, done = false;
  while (reader->Read(&page)) {
    ids.reserve(ids.size() + page.nodes_size() + page.columns().node_ids_size());
    for (const v1::Node& n : page.nodes()) ids.push_back(n.node_id());
    ids.insert(ids.end(), page.columns().node_ids().begin(), page.columns().node_ids().end());
    if (page.done()) {
      done = true;
      // Nodes beyond max_depth are expected to be left out.
      truncated =
          page.truncated() &&
          !(request.max_depth() > 0 && page.truncation_reason() == v1::TRUNCATION_REASON_MAX_DEPTH);
    }
  }
  const grpc::Status status = reader->Finish();
  if (!status.ok()) return FromGrpc(status);
  if (!done) return absl::InternalError("Traverse: the stream ended without a last page");
  if (truncated) return absl::InternalError("Traverse: the answer was truncated");
  return ids;
}

absl::StatusOr<std::vector<uint64_t>> LineageReader::DeletionImpact(
    const v1::DeletionImpactRequest& request) {
  grpc::ClientContext context;
  SetDeadline(context);
  std::unique_ptr<grpc::ClientReader<v1::DeletionImpactResponse>> reader =
      stub_->DeletionImpact(&context, request);
  std::vector<uint64_t> ids;
  google::protobuf::Arena arena;
  auto& page = *google::protobuf::Arena::CreateMessage<v1::DeletionImpactResponse>(&arena);
  bool complete = false;
  while (reader->Read(&page)) {
    for (const auto* group :
         {&page.dataset_versions(), &page.runs(), &page.model_versions(), &page.deployments()}) {
      for (const v1::ImpactedNode& n : *group) ids.push_back(n.node().node_id());
    }
    const auto& columns = page.impacted().nodes().node_ids();
    ids.insert(ids.end(), columns.begin(), columns.end());
    if (page.done()) complete = page.complete();
  }
  const grpc::Status status = reader->Finish();
  if (!status.ok()) return FromGrpc(status);
  if (!complete) return absl::InternalError("DeletionImpact: the answer is not complete");
  return ids;
}

absl::StatusOr<std::vector<uint64_t>> LineageReader::TraceSources(const v1::TraceRequest& request) {
  grpc::ClientContext context;
  SetDeadline(context);
  v1::TraceResponse response;
  const grpc::Status status = stub_->Trace(&context, request, &response);
  if (!status.ok()) return FromGrpc(status);
  return std::vector<uint64_t>{response.sources()};
}

}  // namespace lineage::bench
