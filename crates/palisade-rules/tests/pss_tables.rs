//! Pod Security Standards behaviour that upstream's fixtures do not cover (upstream covers it
//! in Go unit tests): version boundaries, the `hostUsers: false` relaxation, the
//! `appArmorProfile` fields, Windows exemptions, ephemeral containers, the engine's
//! once-per-field reporting of overridden checks, and pod templates in controllers.

use palisade_model::loader::load_str;
use palisade_rules::{Engine, PssLevel, PssProfile, PssVersion, Settings};
use serde_json::{Value, json};

use PssLevel::{Baseline, Restricted};

/// A pod that passes the restricted level at every version.
fn restricted_pod() -> Value {
    json!({
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": "p"},
        "spec": {
            "securityContext": {"runAsNonRoot": true, "seccompProfile": {"type": "RuntimeDefault"}},
            "containers": [{
                "name": "app",
                "image": "registry.example.com/app:1",
                "securityContext": {"allowPrivilegeEscalation": false, "capabilities": {"drop": ["ALL"]}}
            }]
        }
    })
}

/// Sets the value at a JSON pointer, creating objects on the way (`null` removes the field).
fn with(mut value: Value, pointer: &str, new: Value) -> Value {
    let tokens: Vec<&str> = pointer.split('/').skip(1).collect();
    set_at(&mut value, &tokens, new);
    value
}

fn set_at(node: &mut Value, tokens: &[&str], new: Value) {
    let Some((first, rest)) = tokens.split_first() else {
        *node = new;
        return;
    };
    if let Value::Array(items) = node {
        let item = first.parse::<usize>().ok().and_then(|i| items.get_mut(i));
        assert!(item.is_some(), "no item {first}");
        if let Some(item) = item {
            set_at(item, rest, new);
        }
        return;
    }
    if !node.is_object() {
        *node = json!({});
    }
    if let Value::Object(map) = node {
        if rest.is_empty() && new.is_null() {
            map.remove(*first);
        } else {
            set_at(map.entry(*first).or_insert(Value::Null), rest, new);
        }
    }
}

/// The PSS findings as (rule name, pointer), loading the object through the YAML loader (JSON
/// is YAML).
fn findings(object: &Value, level: PssLevel, minor: u16) -> Vec<(&'static str, String)> {
    let file = load_str("table.yaml", &object.to_string());
    assert!(file.errors.is_empty(), "{:?}", file.errors);
    assert_eq!(file.objects.len(), 1);
    let result = Engine::new(Settings::default()).evaluate(&file.objects[0]);
    result
        .pss_findings(PssProfile {
            level,
            version: PssVersion::new(minor),
        })
        .into_iter()
        .map(|f| (f.rule.name, f.pointer))
        .collect()
}

fn names(found: &[(&'static str, String)]) -> Vec<&'static str> {
    let mut names: Vec<_> = found.iter().map(|(n, _)| *n).collect();
    names.sort_unstable();
    names.dedup();
    names
}

fn found(name: &'static str, pointer: &str) -> (&'static str, String) {
    (name, pointer.to_string())
}

#[test]
fn restricted_base_pod_passes_every_version() {
    for minor in 0..=37 {
        assert_eq!(
            findings(&restricted_pod(), Restricted, minor),
            [],
            "v1.{minor}"
        );
    }
}

#[test]
fn container_engine_t_is_allowed_from_1_31() {
    let cases = [
        ("container_engine_t", 30, true),
        ("container_engine_t", 31, false),
        ("container_engine_t", 37, false),
        ("container_kvm_t", 0, false),
        ("container_init_t", 30, false),
        ("", 0, false),
        ("spc_t", 31, true),
        ("Container_t", 31, true),
    ];
    for (selinux_type, minor, fails) in cases {
        for base in [
            "/spec/securityContext",
            "/spec/containers/0/securityContext",
        ] {
            let pod = with(
                restricted_pod(),
                &format!("{base}/seLinuxOptions/type"),
                json!(selinux_type),
            );
            let expected = if fails {
                vec![found("pss-selinux", &format!("{base}/seLinuxOptions/type"))]
            } else {
                vec![]
            };
            assert_eq!(
                findings(&pod, Baseline, minor),
                expected,
                "{selinux_type:?} at {base} v1.{minor}"
            );
        }
    }
}

#[test]
fn selinux_user_and_role_are_forbidden_but_level_is_not() {
    let base = "/spec/initContainers/0/securityContext/seLinuxOptions";
    let pod = with(
        restricted_pod(),
        "/spec/initContainers",
        json!([{"name": "init", "image": "x", "securityContext": {"seLinuxOptions": {
            "user": "system_u", "role": "system_r", "level": "s0:c1,c2", "type": "container_t"
        }}}]),
    );
    assert_eq!(
        findings(&pod, Baseline, 37),
        [
            found("pss-selinux", &format!("{base}/user")),
            found("pss-selinux", &format!("{base}/role"))
        ]
    );
}

#[test]
fn host_users_false_relaxes_run_as_non_root_and_run_as_user_from_1_35() {
    let root_pod = with(
        restricted_pod(),
        "/spec/securityContext/runAsNonRoot",
        Value::Null,
    );
    let root_pod = with(
        root_pod,
        "/spec/containers/0/securityContext/runAsUser",
        json!(0),
    );
    let cases = [
        (None, 34, true),
        (Some(false), 34, true),
        (Some(false), 35, false),
        (Some(false), 37, false),
        (Some(true), 35, true),
        (None, 35, true),
    ];
    for (host_users, minor, fails) in cases {
        let pod = with(
            root_pod.clone(),
            "/spec/hostUsers",
            host_users.map_or(Value::Null, Value::Bool),
        );
        let expected = if fails {
            vec![
                found(
                    "pss-run-as-non-root",
                    "/spec/containers/0/securityContext/runAsNonRoot",
                ),
                found(
                    "pss-run-as-user",
                    "/spec/containers/0/securityContext/runAsUser",
                ),
            ]
        } else {
            vec![]
        };
        assert_eq!(
            findings(&pod, Restricted, minor),
            expected,
            "hostUsers {host_users:?} v1.{minor}"
        );
    }
}

#[test]
fn run_as_user_exists_from_1_23() {
    let pod = with(
        restricted_pod(),
        "/spec/securityContext/runAsUser",
        json!(0),
    );
    assert_eq!(findings(&pod, Restricted, 22), []);
    assert_eq!(
        findings(&pod, Restricted, 23),
        [found("pss-run-as-user", "/spec/securityContext/runAsUser")]
    );
    let pod = with(
        restricted_pod(),
        "/spec/securityContext/runAsUser",
        json!(1000),
    );
    assert_eq!(findings(&pod, Restricted, 37), []);
}

#[test]
fn proc_mount_relaxation_is_baseline_only() {
    let pointer = "/spec/containers/0/securityContext/procMount";
    let unmasked = with(restricted_pod(), pointer, json!("Unmasked"));
    let user_ns = with(unmasked.clone(), "/spec/hostUsers", json!(false));
    let cases = [
        (&user_ns, Baseline, 34, Some("pss-proc-mount")),
        (&user_ns, Baseline, 35, None),
        (&user_ns, Restricted, 34, Some("pss-proc-mount")),
        // Restricted keeps the rule through procMount_restricted.
        (&user_ns, Restricted, 35, Some("pss-proc-mount-restricted")),
        (&user_ns, Restricted, 37, Some("pss-proc-mount-restricted")),
        // Flagged by both: reported once, as the baseline finding.
        (&unmasked, Restricted, 35, Some("pss-proc-mount")),
        (&unmasked, Baseline, 35, Some("pss-proc-mount")),
    ];
    for (pod, level, minor, rule) in cases {
        let expected: Vec<_> = rule.map(|r| found(r, pointer)).into_iter().collect();
        assert_eq!(findings(pod, level, minor), expected, "{level} v1.{minor}");
    }
    let default = with(user_ns, pointer, json!("Default"));
    assert_eq!(findings(&default, Restricted, 37), []);
}

#[test]
fn apparmor_profile_fields_allow_only_runtime_default_and_localhost() {
    let cases = [
        (json!({"type": "Unconfined"}), true),
        (json!({"type": "RuntimeDefault"}), false),
        (
            json!({"type": "Localhost", "localhostProfile": "k8s-apparmor"}),
            false,
        ),
        (json!({}), true),
        (json!({"type": "runtime/default"}), true),
        (Value::Null, false),
    ];
    let bases = [
        "/spec/securityContext",
        "/spec/containers/0/securityContext",
    ];
    for (profile, fails) in cases {
        for base in bases {
            let pod = with(
                restricted_pod(),
                &format!("{base}/appArmorProfile"),
                profile.clone(),
            );
            let expected = if fails {
                vec![found(
                    "pss-apparmor",
                    &format!("{base}/appArmorProfile/type"),
                )]
            } else {
                vec![]
            };
            assert_eq!(findings(&pod, Baseline, 0), expected, "{profile} at {base}");
            assert_eq!(
                findings(&pod, Restricted, 37),
                expected,
                "{profile} at {base}"
            );
        }
    }
}

#[test]
fn apparmor_annotations_allow_runtime_default_localhost_and_empty() {
    let key = "container.apparmor.security.beta.kubernetes.io/app";
    let cases = [
        ("unconfined", true),
        ("runtime/default", false),
        ("localhost/k8s-apparmor", false),
        ("", false),
        ("docker/default", true),
        ("localhost", true),
    ];
    for (value, fails) in cases {
        let mut pod = restricted_pod();
        pod["metadata"]["annotations"] = json!({ key: value });
        let expected = if fails {
            vec![found(
                "pss-apparmor",
                "/metadata/annotations/container.apparmor.security.beta.kubernetes.io~1app",
            )]
        } else {
            vec![]
        };
        assert_eq!(findings(&pod, Baseline, 37), expected, "{value:?}");
    }
}

#[test]
fn windows_pods_are_exempt_from_three_restricted_checks_from_1_25() {
    let mut bare = restricted_pod();
    bare["spec"]["securityContext"] = json!({"runAsNonRoot": true});
    bare["spec"]["containers"][0]["securityContext"] = json!({});
    let exempt_rules = [
        "pss-allow-privilege-escalation",
        "pss-capabilities-restricted",
        "pss-seccomp-restricted",
    ];
    let cases = [
        (Some("windows"), 24, true),
        (Some("windows"), 25, false),
        (Some("windows"), 37, false),
        (Some("linux"), 25, true),
        (Some("Windows"), 25, true),
        (None, 37, true),
    ];
    for (os, minor, fails) in cases {
        let pod = with(
            bare.clone(),
            "/spec/os",
            os.map_or(Value::Null, |name| json!({ "name": name })),
        );
        let expected: Vec<&str> = if fails { exempt_rules.to_vec() } else { vec![] };
        assert_eq!(
            names(&findings(&pod, Restricted, minor)),
            expected,
            "os {os:?} v1.{minor}"
        );
    }
}

#[test]
fn overridden_baseline_checks_do_not_run_even_when_the_override_finds_nothing() {
    // Upstream drops an overridden baseline check from the restricted level whatever the
    // restricted check decides, so a pod that fails baseline can pass restricted. Both pods here
    // are ones the API server would reject (Linux-only fields on a Windows pod; a volume with
    // two sources), so this matters only to a static scan.
    let c = "/spec/containers/0/securityContext";
    let pod = with(restricted_pod(), "/spec/os", json!({"name": "windows"}));
    let pod = with(
        pod,
        &format!("{c}/seccompProfile/type"),
        json!("Unconfined"),
    );
    let pod = with(pod, &format!("{c}/capabilities/add"), json!(["SYS_ADMIN"]));
    let baseline = [
        found(
            "pss-capabilities-baseline",
            &format!("{c}/capabilities/add/0"),
        ),
        found("pss-seccomp-baseline", &format!("{c}/seccompProfile/type")),
    ];
    assert_eq!(findings(&pod, Baseline, 37), baseline);
    assert_eq!(
        findings(&pod, Restricted, 24),
        [baseline[1].clone(), baseline[0].clone()]
    );
    assert_eq!(findings(&pod, Restricted, 25), []);

    let mut two_sources = restricted_pod();
    two_sources["spec"]["volumes"] =
        json!([{"name": "v", "emptyDir": {}, "hostPath": {"path": "/"}}]);
    assert_eq!(
        findings(&two_sources, Baseline, 37),
        [found("pss-host-path-volumes", "/spec/volumes/0/hostPath")]
    );
    assert_eq!(findings(&two_sources, Restricted, 37), []);
}

#[test]
fn ephemeral_containers_are_checked() {
    let pod = with(
        restricted_pod(),
        "/spec/ephemeralContainers",
        json!([{"name": "debug", "image": "busybox", "securityContext": {"privileged": true}}]),
    );
    let base = "/spec/ephemeralContainers/0/securityContext";
    assert_eq!(
        findings(&pod, Baseline, 37),
        [found("pss-privileged", &format!("{base}/privileged"))]
    );
    assert_eq!(
        findings(&pod, Restricted, 37),
        [
            found("pss-privileged", &format!("{base}/privileged")),
            found(
                "pss-allow-privilege-escalation",
                &format!("{base}/allowPrivilegeEscalation")
            ),
            found(
                "pss-capabilities-restricted",
                &format!("{base}/capabilities/drop")
            ),
        ]
    );
}

#[test]
fn overridden_checks_report_a_field_once_as_the_baseline_finding() {
    let mut pod = restricted_pod();
    pod["spec"]["volumes"] = json!([
        {"name": "host", "hostPath": {"path": "/"}},
        {"name": "nfs", "nfs": {"server": "nfs.example.com", "path": "/"}},
        {"name": "scratch", "emptyDir": {}},
        {"name": "implicit"},
    ]);
    pod["spec"]["containers"][0]["securityContext"]["capabilities"]["add"] =
        json!(["SYS_ADMIN", "CHOWN"]);
    pod["spec"]["containers"][0]["securityContext"]["seccompProfile"] =
        json!({"type": "Unconfined"});
    let c = "/spec/containers/0/securityContext";
    // Listed where the restricted check runs; a field both flag keeps the baseline finding.
    assert_eq!(
        findings(&pod, Restricted, 37),
        [
            found("pss-host-path-volumes", "/spec/volumes/0/hostPath"),
            found("pss-restricted-volumes", "/spec/volumes/1/nfs"),
            found("pss-seccomp-baseline", &format!("{c}/seccompProfile/type")),
            found(
                "pss-capabilities-baseline",
                &format!("{c}/capabilities/add/0")
            ),
            found(
                "pss-capabilities-restricted",
                &format!("{c}/capabilities/add/1")
            ),
        ]
    );
    assert_eq!(
        findings(&pod, Baseline, 37),
        [
            found(
                "pss-capabilities-baseline",
                &format!("{c}/capabilities/add/0")
            ),
            found("pss-host-path-volumes", "/spec/volumes/0/hostPath"),
            found("pss-seccomp-baseline", &format!("{c}/seccompProfile/type")),
        ]
    );
}

#[test]
fn restricted_volumes_allow_a_volume_without_a_known_source_as_an_implicit_empty_dir() {
    // The API server drops fields that are no volume source and defaults a volume without a
    // source to `emptyDir` before admission; upstream's "unknown" type is never reached.
    let mut pod = restricted_pod();
    pod["spec"]["volumes"] = json!([
        {"name": "a"},
        {"name": "b", "hostPath": null},
        {"name": "c", "futureVolume": {}},
        {"name": "d", "HostPath": {"path": "/"}},
        {"name": "e", "nfs": {}},
    ]);
    assert_eq!(
        findings(&pod, Restricted, 37),
        [found("pss-restricted-volumes", "/spec/volumes/4/nfs")]
    );
}

#[test]
fn seccomp_reads_annotations_before_1_19_and_fields_from_1_19() {
    let mut annotated = restricted_pod();
    annotated["metadata"]["annotations"] = json!({
        "seccomp.security.alpha.kubernetes.io/pod": "unconfined",
        "container.seccomp.security.alpha.kubernetes.io/app": "docker/default",
        "container.seccomp.security.alpha.kubernetes.io/other": "unconfined",
    });
    let pod_annotation = "/metadata/annotations/seccomp.security.alpha.kubernetes.io~1pod";
    assert_eq!(
        findings(&annotated, Baseline, 18),
        [found("pss-seccomp-baseline", pod_annotation)]
    );
    assert_eq!(findings(&annotated, Baseline, 19), []);

    let unconfined = with(
        restricted_pod(),
        "/spec/securityContext/seccompProfile/type",
        json!("Unconfined"),
    );
    assert_eq!(findings(&unconfined, Baseline, 18), []);
    let field = "/spec/securityContext/seccompProfile/type";
    assert_eq!(
        findings(&unconfined, Baseline, 19),
        [found("pss-seccomp-baseline", field)]
    );
    assert_eq!(
        findings(&unconfined, Restricted, 19),
        [found("pss-seccomp-baseline", field)]
    );
}

#[test]
fn seccomp_restricted_accepts_container_profiles_when_the_pod_sets_none() {
    let pod = with(
        restricted_pod(),
        "/spec/securityContext/seccompProfile",
        Value::Null,
    );
    let c = "/spec/containers/0/securityContext/seccompProfile";
    assert_eq!(
        findings(&pod, Restricted, 37),
        [found("pss-seccomp-restricted", &format!("{c}/type"))]
    );
    assert_eq!(findings(&pod, Restricted, 18), []);
    let pod = with(
        pod,
        c,
        json!({"type": "Localhost", "localhostProfile": "p.json"}),
    );
    assert_eq!(findings(&pod, Restricted, 37), []);
}

#[test]
fn run_as_non_root_needs_the_pod_or_every_container() {
    let pod = with(
        restricted_pod(),
        "/spec/securityContext/runAsNonRoot",
        Value::Null,
    );
    let c = "/spec/containers/0/securityContext/runAsNonRoot";
    assert_eq!(
        findings(&pod, Restricted, 0),
        [found("pss-run-as-non-root", c)]
    );
    assert_eq!(
        findings(&with(pod.clone(), c, json!(true)), Restricted, 37),
        []
    );
    // A container may not opt out when the pod opts in.
    assert_eq!(
        findings(&with(restricted_pod(), c, json!(false)), Restricted, 37),
        [found("pss-run-as-non-root", c)]
    );
}

#[test]
fn host_probes_and_lifecycle_hosts_are_forbidden_from_1_34() {
    let c = "/spec/containers/0";
    let pod = with(
        restricted_pod(),
        &format!("{c}/lifecycle/preStop/httpGet"),
        json!({"host": "10.0.0.1", "port": 80}),
    );
    let pod = with(
        pod,
        &format!("{c}/startupProbe/tcpSocket"),
        json!({"host": "", "port": 80}),
    );
    assert_eq!(findings(&pod, Baseline, 33), []);
    assert_eq!(
        findings(&pod, Baseline, 34),
        [found(
            "pss-host-probes-and-lifecycle",
            &format!("{c}/lifecycle/preStop/httpGet/host")
        )]
    );
}

#[test]
fn sysctls_allowed_set_grows_with_the_version() {
    let cases = [
        ("net.ipv4.ip_local_reserved_ports", 26, true),
        ("net.ipv4.ip_local_reserved_ports", 27, false),
        ("net.ipv4.tcp_keepalive_time", 28, true),
        ("net.ipv4.tcp_keepalive_time", 29, false),
        ("net.ipv4.tcp_rmem", 31, true),
        ("net.ipv4.tcp_rmem", 32, false),
        ("net.ipv4.tcp_notsent_lowat", 36, true),
        ("net.ipv4.tcp_notsent_lowat", 37, false),
        ("kernel.shm_rmid_forced", 0, false),
        ("kernel.msgmax", 37, true),
    ];
    for (name, minor, fails) in cases {
        let pod = with(
            restricted_pod(),
            "/spec/securityContext/sysctls",
            json!([{"name": name, "value": "1"}]),
        );
        let expected = if fails {
            vec![found("pss-sysctls", "/spec/securityContext/sysctls/0/name")]
        } else {
            vec![]
        };
        assert_eq!(
            findings(&pod, Baseline, minor),
            expected,
            "{name} v1.{minor}"
        );
    }
}

#[test]
fn controller_pod_templates_are_checked() {
    let deployment = json!({
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "d"},
        "spec": {"template": {
            "metadata": {"annotations": {"container.apparmor.security.beta.kubernetes.io/app": "unconfined"}},
            "spec": restricted_pod()["spec"].clone(),
        }},
    });
    let deployment = with(
        deployment,
        "/spec/template/spec/containers/0/securityContext/privileged",
        json!(true),
    );
    assert_eq!(
        findings(&deployment, Baseline, 37),
        [
            found(
                "pss-privileged",
                "/spec/template/spec/containers/0/securityContext/privileged"
            ),
            found(
                "pss-apparmor",
                "/spec/template/metadata/annotations/container.apparmor.security.beta.kubernetes.io~1app"
            ),
        ]
    );

    let cron_job = json!({
        "apiVersion": "batch/v1",
        "kind": "CronJob",
        "metadata": {"name": "c"},
        "spec": {"schedule": "* * * * *", "jobTemplate": {"spec": {"template": {"spec": restricted_pod()["spec"].clone()}}}},
    });
    let cron_job = with(
        cron_job,
        "/spec/jobTemplate/spec/template/spec/hostNetwork",
        json!(true),
    );
    let cron_job = with(
        cron_job,
        "/spec/jobTemplate/spec/template/spec/volumes",
        json!([{"name": "root", "hostPath": {"path": "/"}}]),
    );
    assert_eq!(
        findings(&cron_job, Restricted, 37),
        [
            found(
                "pss-host-namespaces",
                "/spec/jobTemplate/spec/template/spec/hostNetwork"
            ),
            found(
                "pss-host-path-volumes",
                "/spec/jobTemplate/spec/template/spec/volumes/0/hostPath"
            ),
        ]
    );
}

#[test]
fn objects_without_pod_specs_have_no_pss_findings() {
    let service = json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "s"}, "spec": {"hostNetwork": true}});
    assert_eq!(findings(&service, Restricted, 37), []);
}

#[test]
fn null_fields_count_as_unset() {
    let mut pod = restricted_pod();
    pod["spec"]["hostNetwork"] = Value::Null;
    pod["spec"]["initContainers"] = json!([{
        "name": "init",
        "image": "x",
        "ports": [{"containerPort": 80, "hostPort": null}],
        "securityContext": {
            "allowPrivilegeEscalation": false,
            "capabilities": {"drop": ["ALL"], "add": null},
            "seccompProfile": null,
            "procMount": null,
            "privileged": null,
            "seLinuxOptions": {"type": null, "user": null},
        }
    }]);
    assert_eq!(findings(&pod, Restricted, 37), []);
}

#[test]
fn host_network_makes_container_ports_host_ports_in_pods_only() {
    // The API server defaults hostPort to containerPort for the regular and init containers of
    // a Pod with hostNetwork, before admission; not for ephemeral containers, not in templates.
    let mut pod = restricted_pod();
    pod["spec"]["hostNetwork"] = json!(true);
    pod["spec"]["containers"][0]["ports"] = json!([{"containerPort": 8080}, {"containerPort": 0}]);
    pod["spec"]["initContainers"] =
        json!([{"name": "init", "ports": [{"containerPort": 53, "hostPort": 0}]}]);
    pod["spec"]["ephemeralContainers"] =
        json!([{"name": "debug", "ports": [{"containerPort": 9000}]}]);
    let found_in_pod = findings(&pod, Baseline, 37);
    assert_eq!(
        found_in_pod,
        [
            found("pss-host-namespaces", "/spec/hostNetwork"),
            found(
                "pss-host-ports",
                "/spec/initContainers/0/ports/0/containerPort"
            ),
            found("pss-host-ports", "/spec/containers/0/ports/0/containerPort"),
        ]
    );

    let deployment = json!({
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "d"},
        "spec": {"template": {"spec": pod["spec"].clone()}},
    });
    assert_eq!(
        findings(&deployment, Baseline, 37),
        [found(
            "pss-host-namespaces",
            "/spec/template/spec/hostNetwork"
        )]
    );
}
