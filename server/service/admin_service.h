// gRPC AdminService: backups, the online integrity check and status for
// operators (proto/lineage/v1/admin.proto). Handlers convert; the work is in
// Maintenance (server/ledger/maintenance.h), which this service owns.
//
// Thread-safety: safe for concurrent calls. The ledger must outlive it; its
// destructor cancels a running integrity check and waits for it.
#ifndef LINEAGE_SERVER_SERVICE_ADMIN_SERVICE_H_
#define LINEAGE_SERVER_SERVICE_ADMIN_SERVICE_H_

#include <memory>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "lineage/v1/admin.grpc.pb.h"
#include "server/graph/lineage_queries.h"
#include "server/service/service_edge.h"
#include "server/ledger/ledger.h"
#include "server/ledger/maintenance.h"

namespace lineage {

class AdminServiceImpl final : public v1::AdminService::CallbackService {
 public:
  // `options.backup_dir`: where CreateBackup writes (see Maintenance::Options).
  // Every RPC needs the operator role, checked and recorded through `edge`
  // (must outlive).
  // `queries` (optional, must outlive) adds the graph's figures to GetStatus.
  AdminServiceImpl(Ledger& ledger, ServiceEdge& edge, Maintenance::Options options,
                   const LineageQueries* queries = nullptr);
  ~AdminServiceImpl() override;

  grpc::ServerUnaryReactor* CreateBackup(grpc::CallbackServerContext* context,
                                         const v1::CreateBackupRequest* request,
                                         v1::Backup* response) override;
  grpc::ServerUnaryReactor* VerifyIntegrity(grpc::CallbackServerContext* context,
                                            const v1::VerifyIntegrityRequest* request,
                                            v1::IntegrityCheck* response) override;
  grpc::ServerUnaryReactor* GetIntegrityCheck(grpc::CallbackServerContext* context,
                                              const v1::GetIntegrityCheckRequest* request,
                                              v1::IntegrityCheck* response) override;
  grpc::ServerUnaryReactor* GetStatus(grpc::CallbackServerContext* context,
                                      const v1::GetStatusRequest* request,
                                      v1::LedgerStatus* response) override;

 private:
  Ledger& ledger_;
  ServiceEdge& edge_;
  std::string backup_dir_;
  NoteVerifier verifier_;
  std::unique_ptr<Maintenance> maintenance_;
  const LineageQueries* const queries_;
  absl::Mutex mu_;
  int backups_running_ ABSL_GUARDED_BY(mu_) = 0;  // The destructor waits for them.
};

}  // namespace lineage

#endif  // LINEAGE_SERVER_SERVICE_ADMIN_SERVICE_H_
