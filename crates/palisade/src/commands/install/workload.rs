//! The Deployment that runs `palisade serve`: two replicas, a pod that meets the restricted
//! Pod Security Standard with a read-only root filesystem, probes and resources.

use serde_json::{Value, json};

use super::manifests::{
    AUDIT_REASON, CONFIG_KEY, CONFIG_MAP, Install, METRICS_PORT, NAME, TLS_SECRET, WEBHOOK_PORT,
    waive,
};

/// Where the pod mounts the serving certificate and the configuration.
const TLS_DIR: &str = "/etc/palisade/tls";
const CONFIG_DIR: &str = "/etc/palisade/config";
/// The UID and GID the container runs as: not root, not a UID any host user is likely to
/// have (the distroless `nonroot` user).
const USER_ID: u32 = 65_532;
/// Two, so that one answers while the other restarts.
pub(super) const REPLICAS: u32 = 2;

pub(super) fn deployment(install: &Install<'_>) -> Value {
    let mut template_metadata = json!({ "labels": install.labels() });
    if let Some(config) = install.config {
        // A changed configuration changes the pod template, so `kubectl apply` rolls the pods.
        template_metadata["annotations"] =
            json!({ "palisade.dev/config-sha256": sha256_hex(&config.text) });
    }
    if install.audit_interval.is_some() {
        waive(
            &mut template_metadata,
            "service-account-token-automount",
            AUDIT_REASON,
        );
    }
    json!({
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": install.metadata(NAME),
        "spec": {
            "replicas": REPLICAS,
            "selector": { "matchLabels": install.selector() },
            // Never fewer ready replicas than asked for while rolling: a webhook with
            // failurePolicy Fail must always answer.
            "strategy": { "type": "RollingUpdate", "rollingUpdate": { "maxUnavailable": 0, "maxSurge": 1 } },
            "template": { "metadata": template_metadata, "spec": pod_spec(install) },
        },
    })
}

fn pod_spec(install: &Install<'_>) -> Value {
    let mut volumes = vec![json!({
        "name": "tls",
        // Readable by the pod's group only; the key is the one secret the pod holds.
        "secret": { "secretName": TLS_SECRET, "defaultMode": 0o440 },
    })];
    if install.config.is_some() {
        volumes.push(json!({ "name": "config", "configMap": { "name": CONFIG_MAP } }));
    }
    json!({
        "serviceAccountName": NAME,
        // Only the continuous audit talks to the API server.
        "automountServiceAccountToken": install.audit_interval.is_some(),
        "enableServiceLinks": false,
        "securityContext": {
            "runAsNonRoot": true,
            "runAsUser": USER_ID,
            "runAsGroup": USER_ID,
            "fsGroup": USER_ID,
            "seccompProfile": { "type": "RuntimeDefault" },
        },
        "topologySpreadConstraints": [{
            "maxSkew": 1,
            "topologyKey": "kubernetes.io/hostname",
            "whenUnsatisfiable": "ScheduleAnyway",
            "labelSelector": { "matchLabels": install.selector() },
        }],
        "containers": [container(install)],
        "volumes": volumes,
    })
}

fn container(install: &Install<'_>) -> Value {
    let mut args = vec![
        "serve".to_string(),
        "--listen".to_string(),
        format!("0.0.0.0:{WEBHOOK_PORT}"),
        "--tls-cert".to_string(),
        format!("{TLS_DIR}/tls.crt"),
        "--tls-key".to_string(),
        format!("{TLS_DIR}/tls.key"),
        "--metrics-listen".to_string(),
        format!("0.0.0.0:{METRICS_PORT}"),
    ];
    let mut mounts = vec![json!({ "name": "tls", "mountPath": TLS_DIR, "readOnly": true })];
    if let Some(interval) = install.audit_interval {
        args.extend(["--audit-interval".to_string(), interval.to_string()]);
    }
    if install.config.is_some() {
        args.extend(["--config".to_string(), format!("{CONFIG_DIR}/{CONFIG_KEY}")]);
        mounts.push(json!({ "name": "config", "mountPath": CONFIG_DIR, "readOnly": true }));
    }
    let probe = |path: &str, period: u32, failures: u32| {
        json!({
            "httpGet": { "path": path, "port": "https", "scheme": "HTTPS" },
            "periodSeconds": period,
            "failureThreshold": failures,
            "timeoutSeconds": 2,
        })
    };
    json!({
        "name": NAME,
        "image": install.image,
        "imagePullPolicy": "IfNotPresent",
        "args": args,
        "env": [
            {
                // Palisade exempts its own namespace; it learns it from here.
                "name": "POD_NAMESPACE",
                "valueFrom": { "fieldRef": { "fieldPath": "metadata.namespace" } },
            },
            {
                // On SIGTERM, stay up (unready) while the endpoint is removed, so the API
                // server's calls during a rollout never meet a closed port.
                "name": "PALISADE_SHUTDOWN_DELAY",
                "value": "5",
            },
        ],
        "ports": [
            { "name": "https", "containerPort": WEBHOOK_PORT, "protocol": "TCP" },
            { "name": "metrics", "containerPort": METRICS_PORT, "protocol": "TCP" },
        ],
        "readinessProbe": probe("/readyz", 5, 2),
        "livenessProbe": probe("/healthz", 10, 3),
        "resources": {
            "requests": { "cpu": "100m", "memory": "64Mi" },
            // An audit holds the findings of the whole cluster while it runs.
            "limits": { "cpu": "1", "memory": if install.audit_interval.is_some() { "1Gi" } else { "256Mi" } },
        },
        "securityContext": {
            "allowPrivilegeEscalation": false,
            "privileged": false,
            "readOnlyRootFilesystem": true,
            "runAsNonRoot": true,
            "capabilities": { "drop": ["ALL"] },
        },
        "volumeMounts": mounts,
    })
}

fn sha256_hex(text: &str) -> String {
    use std::fmt::Write as _;
    let digest = ring::digest::digest(&ring::digest::SHA256, text.as_bytes());
    digest
        .as_ref()
        .iter()
        .fold(String::with_capacity(64), |mut hex, byte| {
            let _ = write!(hex, "{byte:02x}");
            hex
        })
}
