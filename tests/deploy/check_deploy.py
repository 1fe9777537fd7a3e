#!/usr/bin/env python3
"""Validates deploy/ offline, against the binaries it deploys.

  check_deploy.py --source DIR --lineaged BIN

Kubernetes manifests: YAML well-formed (and yamllint-clean), every object of
a known apiVersion/kind, the StatefulSet hardened (non-root, read-only root,
no privilege escalation, all capabilities dropped, RuntimeDefault seccomp),
its probes on grpc.health.v1 (lineagectl health on the plaintext loopback
port, since the main port speaks mutual TLS) for a service lineaged registers,
TLS files and an access policy wherever it listens off loopback (the policies
checked with protoc), resources set, every mount backed by a volume, keys from Secrets,
its grace period longer than lineaged's drain; the Services and the
NetworkPolicy select its pods on its port. Every lineaged flag in the
manifests, the Dockerfile and the systemd unit exists (`lineaged --helpfull`).
Dockerfile: Debian 12, install-deps.sh for the build, every shared library
lineaged links (ldd -> dpkg -S) installed in the runtime stage, a non-root
USER, the gRPC port exposed, a HEALTHCHECK over the health service.
systemd unit: `systemd-analyze verify` clean and `systemd-analyze security
--offline` exposure at most 2.0, with the directives the issue requires.
Prints every failure; exits 1 if any.
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile

import yaml

FAILURES = []
PASSED = [0]
HEALTH_SERVICES = {"", "lineage.v1.IngestService", "lineage.v1.LogService",
                   "lineage.v1.KeyService", "lineage.v1.AdminService",
                   "lineage.v1.LineageService"}
KNOWN_KINDS = {
    ("v1", "Namespace"), ("v1", "ServiceAccount"), ("v1", "Service"),
    ("apps/v1", "StatefulSet"), ("networking.k8s.io/v1", "NetworkPolicy"),
}


def check(cond, what):
    if cond:
        PASSED[0] += 1
    else:
        FAILURES.append(what)
    return cond


def lineaged_flags(binary):
    out = subprocess.run([binary, "--helpfull"], capture_output=True, text=True).stdout
    return set(re.findall(r"^\s+--([a-z_0-9]+) \(", out, re.M))


def flags_in(args):
    return [re.match(r"--([a-z_0-9]+)", a).group(1) for a in args if a.startswith("--")]


def check_flags(where, args, known):
    for flag in flags_in(args):
        check(flag in known, f"{where}: lineaged has no flag --{flag}")


def flag_value(args, name):
    for a in args:
        if a.startswith(f"--{name}="):
            return a.split("=", 1)[1]
    return None


def matches(selector, labels):
    return bool(selector) and all(labels.get(k) == v for k, v in selector.items())


def check_kubernetes(source, known_flags, entrypoint_args):
    kdir = os.path.join(source, "deploy/kubernetes")
    files = sorted(f for f in os.listdir(kdir) if f.endswith(".yaml"))
    objects = []
    kustomization = None
    for f in files:
        with open(os.path.join(kdir, f)) as fh:
            try:
                docs = [d for d in yaml.safe_load_all(fh) if d is not None]
            except yaml.YAMLError as e:
                check(False, f"{f}: not valid YAML: {e}")
                continue
        for d in docs:
            if d.get("kind") == "Kustomization":
                kustomization = d
                continue
            objects.append((f, d))
    if shutil.which("yamllint"):
        r = subprocess.run(["yamllint", "-d", "{extends: default, rules: {line-length: {max: 110}, "
                            "document-start: disable, comments-indentation: disable}}", kdir],
                           capture_output=True, text=True)
        check(r.returncode == 0, f"yamllint deploy/kubernetes:\n{r.stdout}{r.stderr}")
    else:
        check(False, "yamllint is not installed (tools/install-deps.sh installs it)")

    check(kustomization is not None, "kustomization.yaml missing")
    if kustomization:
        listed = set(kustomization.get("resources", []))
        for f in files:
            if f != "kustomization.yaml":
                check(f in listed, f"{f} is not listed in kustomization.yaml")
        for r in listed:
            check(os.path.exists(os.path.join(kdir, r)), f"kustomization lists missing {r}")

    by_kind = {}
    for f, o in objects:
        kind, api = o.get("kind"), o.get("apiVersion")
        name = (o.get("metadata") or {}).get("name")
        check((api, kind) in KNOWN_KINDS, f"{f}: unexpected apiVersion/kind {api}/{kind}")
        check(bool(name), f"{f}: {kind} without metadata.name")
        if kind != "Namespace":
            check(o["metadata"].get("namespace") == "lineage", f"{f}: {kind}/{name} not in namespace lineage")
        by_kind.setdefault(kind, []).append(o)

    sts_list = by_kind.get("StatefulSet", [])
    if not check(len(sts_list) == 1, "want exactly one StatefulSet"):
        return
    sts = sts_list[0]
    spec = sts["spec"]
    pod = spec["template"]["spec"]
    labels = spec["template"]["metadata"]["labels"]
    check(spec.get("replicas") == 1, "StatefulSet: the log has one writer: replicas must be 1")
    check(matches(spec["selector"]["matchLabels"], labels), "StatefulSet: selector does not match its pods")
    psc = pod.get("securityContext", {})
    check(psc.get("runAsNonRoot") is True, "pod: runAsNonRoot must be true")
    check(psc.get("runAsUser", 0) != 0, "pod: runAsUser must not be 0")
    check((psc.get("seccompProfile") or {}).get("type") == "RuntimeDefault", "pod: seccomp RuntimeDefault")
    check(pod.get("automountServiceAccountToken") is False, "pod: no service account token")
    volumes = {v["name"]: v for v in pod.get("volumes", [])}
    claims = {c["metadata"]["name"] for c in spec.get("volumeClaimTemplates", [])}
    check(len(claims) == 1, "StatefulSet: one persistent volume claim template")
    containers = pod.get("containers", []) + pod.get("initContainers", [])
    for c in containers:
        sc = c.get("securityContext", {})
        check(sc.get("allowPrivilegeEscalation") is False, f"{c['name']}: allowPrivilegeEscalation false")
        check(sc.get("readOnlyRootFilesystem") is True, f"{c['name']}: readOnlyRootFilesystem true")
        check((sc.get("capabilities") or {}).get("drop") == ["ALL"], f"{c['name']}: drop ALL capabilities")
        for m in c.get("volumeMounts", []):
            check(m["name"] in volumes or m["name"] in claims, f"{c['name']}: mount {m['name']} has no volume")
    secret_volumes = [v for v in volumes.values() if "secret" in v]
    check(any(v["secret"].get("secretName") == "lineage-log-key" for v in secret_volumes),
          "the log key must come from the lineage-log-key Secret")
    check(any(v["secret"].get("secretName") == "lineage-tls" for v in secret_volumes),
          "certificates must come from the lineage-tls Secret")
    for v in secret_volumes:
        check(v["secret"].get("defaultMode") == 0o400, f"secret volume {v['name']}: defaultMode 0400")

    main = next((c for c in pod["containers"] if c["name"] == "lineaged"), None)
    if not check(main is not None, "no container named lineaged"):
        return
    args = entrypoint_args + main.get("args", [])
    check_flags("StatefulSet args", args, known_flags)
    ports = {p["name"]: p["containerPort"] for p in main.get("ports", [])}
    listen = flag_value(args, "listen") or ""
    check("grpc" in ports and listen.endswith(f":{ports.get('grpc')}"),
          f"container port grpc {ports.get('grpc')} must be the --listen port ({listen})")
    local = flag_value(args, "local_listen") or ""
    for probe in ("startupProbe", "livenessProbe", "readinessProbe"):
        p = main.get(probe)
        if not check(p is not None and ("grpc" in p or "exec" in p), f"lineaged: {probe} missing"):
            continue
        if "grpc" in p:  # Native probes speak plaintext: only without TLS.
            check(p["grpc"].get("port") == ports.get("grpc") and not flag_value(args, "tls_cert_file"),
                  f"{probe}: a grpc probe must target the plaintext gRPC port")
            service = p["grpc"].get("service", "")
        else:
            cmd = p["exec"]["command"]
            check(cmd[0].endswith("/lineagectl") and "health" in cmd, f"{probe}: want lineagectl health")
            check(f"--server={local}" in cmd and local, f"{probe}: must ask the --local_listen port {local}")
            service = next((c.split("=", 1)[1] for c in cmd if c.startswith("--service=")), "")
        check(service in HEALTH_SERVICES, f"{probe}: lineaged has no health service \"{service}\"")
    res = main.get("resources", {})
    check({"cpu", "memory"} <= set(res.get("requests", {})), "lineaged: cpu and memory requests")
    check("memory" in res.get("limits", {}), "lineaged: a memory limit")
    grace = int(flag_value(args, "shutdown_grace_seconds") or 30)
    check(pod.get("terminationGracePeriodSeconds", 30) > grace,
          "terminationGracePeriodSeconds must exceed --shutdown_grace_seconds (SIGTERM drains)")
    data_dir = flag_value(args, "data_dir")
    check(any(m["mountPath"] == data_dir and m["name"] in claims for m in main.get("volumeMounts", [])),
          f"--data_dir {data_dir} must be the persistent volume")
    key = flag_value(args, "log_key_file") or ""
    check(any(key.startswith(m["mountPath"] + "/") for m in main.get("volumeMounts", [])),
          "--log_key_file must be on a mounted volume")
    check(flag_value(args, "dev_keys") == "false", "production runs with --dev_keys=false")
    check_tls(f"StatefulSet", args)
    for flag in ("tls_cert_file", "tls_key_file", "tls_client_ca_file", "policy_file"):
        path = flag_value(args, flag) or ""
        check(any(path.startswith(m["mountPath"] + "/") for m in main.get("volumeMounts", [])),
              f"--{flag} must be on a mounted volume")
    policy_mount = next((m for m in main.get("volumeMounts", [])
                         if (flag_value(args, "policy_file") or "").startswith(m["mountPath"] + "/")), None)
    generated = {g["name"] for g in (kustomization or {}).get("configMapGenerator", [])}
    if policy_mount:
        cm = volumes.get(policy_mount["name"], {}).get("configMap", {}).get("name")
        check(cm in generated, f"the policy volume's ConfigMap {cm} is not generated by kustomization.yaml")

    headless = [s for s in by_kind.get("Service", []) if s["spec"].get("clusterIP") == "None"]
    check(any(s["metadata"]["name"] == spec.get("serviceName") for s in headless),
          "StatefulSet serviceName must name a headless Service")
    for s in by_kind.get("Service", []):
        check(matches(s["spec"].get("selector"), labels), f"Service {s['metadata']['name']}: selects no lineaged pod")
        for p in s["spec"].get("ports", []):
            check(p.get("targetPort") in ports or p.get("targetPort") in ports.values(),
                  f"Service {s['metadata']['name']}: targetPort {p.get('targetPort')} is no container port")
    for np in by_kind.get("NetworkPolicy", []):
        check(matches(np["spec"]["podSelector"].get("matchLabels"), labels), "NetworkPolicy selects no lineaged pod")
        check(set(np["spec"].get("policyTypes", [])) == {"Ingress", "Egress"}, "NetworkPolicy: Ingress and Egress")
        check(np["spec"].get("egress") == [], "NetworkPolicy: lineaged needs no egress")
        allowed = [p.get("port") for rule in np["spec"].get("ingress", []) for p in rule.get("ports", [])]
        check(allowed == [ports.get("grpc")], f"NetworkPolicy: only the gRPC port, got {allowed}")
    check(len(by_kind.get("NetworkPolicy", [])) == 1, "want one NetworkPolicy")


def check_tls(where, args):
    listen = flag_value(args, "listen") or ""
    loopback = re.match(r"(127\.|localhost|\[::1\])", listen)
    if not loopback and flag_value(args, "allow_insecure_plaintext") != "true":
        for flag in ("tls_cert_file", "tls_key_file", "tls_client_ca_file", "policy_file"):
            check(flag_value(args, flag), f"{where}: --listen={listen} is not loopback: lineaged needs --{flag}")
    local = flag_value(args, "local_listen")
    check(local and local.startswith("127."), f"{where}: --local_listen on loopback for probes and operators")


def check_policies(source):
    protoc = shutil.which("protoc")
    if not check(protoc, "protoc is not installed (tools/install-deps.sh installs it)"):
        return
    for root, _, files in os.walk(os.path.join(source, "deploy")):
        for f in files:
            if not f.endswith(".textproto"):
                continue
            with open(os.path.join(root, f)) as fh:
                r = subprocess.run([protoc, f"--proto_path={source}/proto", "--encode=lineage.v1.AccessPolicy",
                                    "lineage/v1/policy.proto"], stdin=fh, capture_output=True)
            check(r.returncode == 0, f"{f}: not a valid lineage.v1.AccessPolicy: {r.stderr.decode()}")


def dockerfile_args(source):
    text = open(os.path.join(source, "deploy/container/Dockerfile")).read()
    m = re.search(r"^ENTRYPOINT\s+(\[.*\])", text, re.M)
    return text, (yaml.safe_load(m.group(1))[1:] if m else [])


def check_dockerfile(source, lineaged, known_flags):
    text, entry = dockerfile_args(source)
    froms = re.findall(r"^FROM\s+(\S+)", text, re.M)
    check(froms and all(f.startswith("debian:12") for f in froms), f"Dockerfile: Debian 12 images only, got {froms}")
    check("tools/install-deps.sh" in text, "Dockerfile: build with tools/install-deps.sh (the same packages)")
    user = re.findall(r"^USER\s+(\S+)", text, re.M)
    check(user and user[-1].split(":")[0] not in ("0", "root"), "Dockerfile: run as a non-root USER")
    check(re.search(r"^EXPOSE\s+50051\b", text, re.M), "Dockerfile: EXPOSE 50051")
    check(re.search(r"^HEALTHCHECK .*lineagectl.*health", text, re.M | re.S), "Dockerfile: HEALTHCHECK over grpc health")
    local = flag_value(entry, "local_listen") or ""
    check(local and re.search(rf"^HEALTHCHECK .*--server={re.escape(local)}", text, re.M | re.S),
          "Dockerfile: the HEALTHCHECK must ask the --local_listen port (the main port needs client certificates)")
    check(entry and entry[0] == "--data_dir=/var/lib/lineage", "Dockerfile: ENTRYPOINT runs lineaged on the volume")
    check_flags("Dockerfile ENTRYPOINT", entry, known_flags)
    runtime = text[text.rfind("\nFROM "):]
    ldd = subprocess.run(["ldd", lineaged], capture_output=True, text=True).stdout
    base = ("libc.so", "libm.so", "libstdc++", "libgcc_s", "ld-linux", "linux-vdso")
    for lib in sorted(set(re.findall(r"=> (\S+)", ldd))):
        if any(b in lib for b in base):
            continue
        real = os.path.realpath(lib)
        owner = subprocess.run(["dpkg", "-S", real], capture_output=True, text=True)
        if owner.returncode != 0:
            owner = subprocess.run(["dpkg", "-S", real.replace("/usr/lib/", "/lib/", 1)],
                                   capture_output=True, text=True)
        pkg = owner.stdout.split(":")[0].strip()
        check(pkg and re.search(rf"\b{re.escape(pkg)}\b", runtime),
              f"Dockerfile runtime stage lacks {pkg or '?'} (for {os.path.basename(lib)})")
    return entry


def check_systemd(source, lineaged, known_flags):
    unit = os.path.join(source, "deploy/systemd/lineaged.service")
    text = open(unit).read()
    exec_start = re.search(r"^ExecStart=(.*?)(?<!\\)$", text, re.M | re.S).group(1)
    args = exec_start.replace("\\\n", " ").split()
    check(args[0] == "/usr/local/bin/lineaged", "ExecStart runs /usr/local/bin/lineaged")
    check_flags("systemd ExecStart", args[1:], known_flags)
    check(flag_value(args, "dev_keys") == "false", "systemd: --dev_keys=false")
    check_tls("systemd ExecStart", args)
    directives = dict(re.findall(r"^(\w+)=(.*)$", text, re.M))
    for key, want in {"NoNewPrivileges": "yes", "ProtectSystem": "strict", "ProtectHome": "yes",
                      "PrivateTmp": "yes", "StateDirectory": "lineage"}.items():
        check(directives.get(key) == want, f"systemd: {key}={want}")
    check(directives.get("User") not in (None, "root", "0"), "systemd: a dedicated User")
    check("ReadWritePaths" not in directives, "systemd: the state directory is the only writable path")
    check(flag_value(args, "data_dir") == "/var/lib/lineage", "systemd: --data_dir is the state directory")
    stop = int(re.match(r"\d+", directives.get("TimeoutStopSec", "90")).group(0))
    check(stop > int(flag_value(args, "shutdown_grace_seconds") or 30), "systemd: TimeoutStopSec > drain grace")
    sysusers = os.path.join(source, "deploy/systemd/lineage.sysusers.conf")
    check(os.path.exists(sysusers) and re.search(rf"^u\s+{directives.get('User')}\s", open(sysusers).read(), re.M),
          "systemd: lineage.sysusers.conf creates the service's user")
    if not check(shutil.which("systemd-analyze"), "systemd-analyze is not installed (install-deps.sh installs systemd)"):
        return
    with tempfile.TemporaryDirectory() as tmp:
        copy = os.path.join(tmp, "lineaged.service")
        with open(copy, "w") as fh:
            fh.write(text.replace("/usr/local/bin/lineaged", os.path.abspath(lineaged)))
        r = subprocess.run(["systemd-analyze", "verify", copy], capture_output=True, text=True)
        check(r.returncode == 0 and not r.stderr.strip() and not r.stdout.strip(),
              f"systemd-analyze verify:\n{r.stdout}{r.stderr}")
        r = subprocess.run(["systemd-analyze", "security", "--offline=yes", "--threshold=20", copy],
                           capture_output=True, text=True)
        level = re.search(r"Overall exposure level for \S+: ([\d.]+)", r.stdout)
        check(r.returncode == 0 and level, f"systemd-analyze security: exposure over 2.0:\n{r.stdout[-400:]}{r.stderr}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--source", required=True)
    ap.add_argument("--lineaged", required=True)
    a = ap.parse_args()
    known = lineaged_flags(a.lineaged)
    if not check(len(known) > 5, "cannot read lineaged's flags from --helpfull"):
        print("\n".join(FAILURES))
        return 1
    entry = check_dockerfile(a.source, a.lineaged, known)
    check_kubernetes(a.source, known, entry)
    check_systemd(a.source, a.lineaged, known)
    check_policies(a.source)
    for f in FAILURES:
        print(f"FAIL: {f}")
    print(f"deploy: {PASSED[0]} checks passed, {len(FAILURES)} failed")
    return 1 if FAILURES else 0


if __name__ == "__main__":
    sys.exit(main())
