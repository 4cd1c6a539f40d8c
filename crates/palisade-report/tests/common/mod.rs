//! Reports the renderer tests share: a hand-built one with every kind of record (stable: its
//! rules are declared here, so rule edits elsewhere do not move the snapshots), and real scans
//! of the example manifests.

#![allow(dead_code, reason = "each test file uses a part of this module")]

use std::sync::Arc;

use palisade_model::{Object, ObjectRef};
use palisade_report::{
    CheckedObject, FileLocation, Hidden, InputError, Notice, Report, ReportFinding, Skipped,
    quote_line,
};
use palisade_rules::{
    Category, Check, Engine, Finding, RuleDef, Settings, Severity, Violation, Waiver, WaiverSource,
};

fn no_check(_: &Object, _: &Settings, _: &mut Vec<Violation>) {}

const fn rule(
    code: &'static str,
    name: &'static str,
    category: Category,
    severity: Severity,
    summary: &'static str,
    standards: &'static [&'static str],
) -> RuleDef {
    RuleDef {
        code,
        name,
        category,
        severity,
        summary,
        standards,
        check: Check::Object {
            kinds: &[],
            check: no_check,
        },
        doc: " ## What it does\n Reports the pattern in `spec`.\n\n ## Why is this bad?\n It <b>is</b>.\n\n ## Example\n ```yaml\n spec: {}\n ```\n\n ## References\n - [Kubernetes docs](https://kubernetes.io/docs/)\n",
    }
}

static PRIVILEGED: RuleDef = rule(
    "TST001",
    "privileged-container",
    Category::PodSecurity,
    Severity::Critical,
    "Container runs privileged",
    &["PSS baseline: privileged", "CIS 5.2.2"],
);
static HOST_PORT: RuleDef = rule(
    "TST002",
    "host-port",
    Category::Network,
    Severity::High,
    "Container binds a host port",
    &[],
);
static LATEST_TAG: RuleDef = rule(
    "TST003",
    "image-latest-tag",
    Category::Images,
    Severity::Medium,
    "Image uses the latest tag",
    &[],
);
static WILDCARD: RuleDef = rule(
    "TST004",
    "rbac-wildcard",
    Category::Rbac,
    Severity::High,
    "Role grants every verb",
    &["MITRE ATT&CK T1078"],
);
static PROBE: RuleDef = rule(
    "TST005",
    "missing-readiness-probe",
    Category::Containers,
    Severity::Low,
    "No readiness probe",
    &[],
);
static SELECTOR: RuleDef = rule(
    "TST006",
    "service-selects-nothing",
    Category::Network,
    Severity::Info,
    "Service selects no pods",
    &[],
);

fn object(kind: &str, namespace: Option<&str>, name: &str) -> ObjectRef {
    ObjectRef {
        api_version: if kind == "ClusterRole" {
            "rbac.authorization.k8s.io/v1"
        } else {
            "v1"
        }
        .to_string(),
        kind: kind.to_string(),
        namespace: namespace.map(str::to_string),
        name: name.to_string(),
    }
}

fn at(path: &str, line: u32, column: u32) -> FileLocation {
    FileLocation {
        path: Arc::from(path),
        line,
        column,
        exact: true,
        quote: None,
    }
}

fn finding(
    rule: &'static RuleDef,
    object: &ObjectRef,
    pointer: &str,
    message: &str,
    help: &str,
) -> Finding {
    Finding {
        rule,
        severity: rule.severity,
        object: object.clone(),
        pointer: pointer.to_string(),
        message: message.to_string(),
        help: help.to_string(),
        waiver: None,
    }
}

/// Two files with findings of every severity (one waived, one without a location), a file
/// that does not parse, a path that cannot be read, a skipped document and an expired exception.
pub fn fixture() -> Report {
    let web = object("Deployment", Some("shop"), "web");
    let service = object("Service", Some("shop"), "web");
    let admin = object("ClusterRole", None, "admin-all");
    let mut waived = finding(
        &LATEST_TAG,
        &web,
        "/spec/template/spec/containers/0/image",
        "container web uses image nginx:latest",
        "pin the image to a version or a digest",
    );
    waived.waiver = Some(Waiver {
        reason: "base image is rebuilt nightly & tested".to_string(),
        source: WaiverSource::Config {
            file: ".palisade.yaml".to_string(),
            index: 0,
        },
        owner: Some("team-shop".to_string()),
        expires: Some("2030-01-31".to_string()),
    });
    let findings = vec![
        ReportFinding {
            finding: finding(
                &PRIVILEGED,
                &web,
                "/spec/template/spec/containers/0/securityContext/privileged",
                "container web sets privileged=true <script>alert(1)</script> | \"quoted\"",
                "set securityContext.privileged to false, or remove it",
            ),
            location: Some(at("deploy/app.yaml", 20, 11)),
        },
        ReportFinding {
            finding: finding(
                &HOST_PORT,
                &web,
                "/spec/template/spec/containers/0/ports/0/hostPort",
                "container web binds host port 80",
                "remove hostPort; expose the port with a Service",
            ),
            location: Some(at("deploy/app.yaml", 23, 9)),
        },
        ReportFinding {
            finding: waived,
            location: Some(at("deploy/app.yaml", 18, 16)),
        },
        ReportFinding {
            finding: finding(
                &PROBE,
                &web,
                "/spec/template/spec/containers/0/readinessProbe",
                "container web has no readinessProbe",
                "add a readinessProbe",
            ),
            location: Some(FileLocation {
                exact: false,
                ..at("deploy/app.yaml", 17, 7)
            }),
        },
        ReportFinding {
            finding: finding(
                &WILDCARD,
                &admin,
                "/rules/0/verbs",
                "rule 0 grants verbs [*]",
                "list the verbs needed",
            ),
            location: Some(at("deploy/rbac.yaml", 8, 5)),
        },
        ReportFinding {
            finding: finding(
                &SELECTOR,
                &service,
                "/spec/selector",
                "service web selects no pods",
                "fix the selector",
            ),
            location: None,
        },
    ];
    let checked = vec![
        CheckedObject {
            object: web,
            location: Some(at("deploy/app.yaml", 1, 1)),
            rules: vec![&PRIVILEGED, &HOST_PORT, &LATEST_TAG, &PROBE],
        },
        CheckedObject {
            object: service,
            location: Some(at("deploy/app.yaml", 30, 1)),
            rules: vec![&SELECTOR],
        },
        CheckedObject {
            object: admin,
            location: Some(at("deploy/rbac.yaml", 1, 1)),
            rules: vec![&WILDCARD],
        },
    ];
    Report {
        findings,
        errors: vec![
            InputError {
                path: "deploy/broken.yaml".to_string(),
                line: Some(3),
                column: Some(7),
                message: "did not find expected key".to_string(),
            },
            InputError {
                path: "deploy/missing.yaml".to_string(),
                line: None,
                column: None,
                message: "No such file".into(),
            },
        ],
        skipped: vec![Skipped {
            path: "deploy/app.yaml".to_string(),
            document: 2,
            item: None,
            line: 40,
            reason: "no apiVersion or kind".to_string(),
        }],
        checked,
        notices: vec![Notice {
            kind: "expired-exception",
            file: ".palisade.yaml".to_string(),
            line: Some(12),
            message:
                "exception 2 expired on 2024-01-31; the findings it covered are reported again"
                    .to_string(),
        }],
        files: 4,
        objects: 3,
        hidden: Hidden::default(),
        ..Report::default()
    }
}

/// An audit of a live cluster: findings located at `cluster/namespace/Kind/name` (no line), a
/// workload with pods, and a resource type that could not be listed.
pub fn audit_fixture() -> Report {
    let web = ObjectRef {
        api_version: "apps/v1".to_string(),
        ..object("Deployment", Some("shop"), "web")
    };
    let role = object("ClusterRole", None, "ops");
    let findings = vec![
        ReportFinding {
            finding: finding(
                &PRIVILEGED,
                &web,
                "/spec/template/spec/containers/0/securityContext/privileged",
                "container web is privileged",
                "set privileged: false",
            ),
            location: Some(at("prod/shop/Deployment/web", 0, 0)),
        },
        ReportFinding {
            finding: finding(
                &WILDCARD,
                &role,
                "/rules/0/resources/0",
                "rules[0] uses * in resources",
                "name the resources",
            ),
            location: Some(at("prod/ClusterRole/ops", 0, 0)),
        },
    ];
    let mut report = Report {
        findings,
        errors: vec![InputError {
            path: "prod".to_string(),
            line: None,
            column: None,
            message: "not evaluated: cannot list rolebindings.rbac.authorization.k8s.io cluster-wide (403 Forbidden)".to_string(),
        }],
        objects: 12,
        cluster: Some("prod".to_string()),
        ..Report::default()
    };
    report.pods.insert(web, 3);
    report.sort();
    report
}

/// A finding quoted as the scan quotes it: the line, the column, and whether the field exists.
fn quoted(
    rule: &'static RuleDef,
    object: &ObjectRef,
    (line, text, column, exact): (u32, &str, u32, bool),
    message: &str,
) -> ReportFinding {
    ReportFinding {
        finding: finding(rule, object, "/spec", message, "change it"),
        location: Some(FileLocation {
            path: Arc::from("deploy/pod.yaml"),
            line,
            column,
            exact,
            quote: Some(quote_line(text, column, &[])),
        }),
    }
}

/// Findings with quoted lines: three on one line (two at one column, one at another), one on a
/// missing field of a list item, one on a missing field under a key, one alone.
pub fn quoted_fixture() -> Report {
    let pod = object("Pod", Some("shop"), "debug");
    let role = object("ClusterRole", None, "ops");
    let resources = "  resources: [\"*\"] # all";
    let findings = vec![
        quoted(
            &WILDCARD,
            &role,
            (8, resources, 15, true),
            "rules[0] uses * in resources",
        ),
        quoted(
            &HOST_PORT,
            &role,
            (8, resources, 15, true),
            "rules[0] reads secrets",
        ),
        quoted(
            &SELECTOR,
            &role,
            (8, resources, 3, true),
            "rules[0] has a comment",
        ),
        quoted(
            &PRIVILEGED,
            &pod,
            (12, "  - name: shell", 5, false),
            "container shell does not set privileged=false",
        ),
        quoted(
            &PROBE,
            &pod,
            (14, "    securityContext:", 5, false),
            "container shell sets no readinessProbe",
        ),
        quoted(
            &LATEST_TAG,
            &pod,
            (20, "    image: busybox", 12, true),
            "container shell uses busybox",
        ),
    ];
    let mut report = Report {
        findings,
        files: 1,
        objects: 2,
        ..Report::default()
    };
    report.sort();
    report
}

/// `files` files with one finding each (severities cycling), for the top-N tables.
pub fn many_files(files: usize) -> Report {
    let rules: [&'static RuleDef; 3] = [&PRIVILEGED, &HOST_PORT, &PROBE];
    let findings = (0..files)
        .flat_map(|i| {
            let object = object("Pod", Some("shop"), &format!("p{i}"));
            (0..=i % 3).map(move |k| ReportFinding {
                finding: finding(rules[k], &object, "/spec", "m", "h"),
                location: Some(at(&format!("deploy/f{i:02}.yaml"), 1 + k as u32, 1)),
            })
        })
        .collect();
    Report {
        findings,
        files,
        objects: files,
        ..Report::default()
    }
}

/// Scans manifests as `palisade scan` does for one file (default settings, no pipeline).
pub fn scan(files: &[(&str, &str)]) -> Report {
    let engine = Engine::new(Settings::default());
    let profile = engine.settings().pss;
    let mut report = Report {
        files: files.len(),
        ..Report::default()
    };
    for (path, text) in files {
        let loaded = palisade_model::loader::load_str(path, text);
        report.objects += loaded.objects.len();
        for object in &loaded.objects {
            let has_pod_spec = palisade_model::PodSpecView::of(object).is_some();
            let start = object.resolve("");
            report.checked.push(CheckedObject {
                object: object.object_ref(),
                location: Some(FileLocation {
                    path: loaded.path.clone(),
                    line: start.location.line,
                    column: start.location.column,
                    exact: true,
                    quote: None,
                }),
                rules: engine
                    .rules()
                    .iter()
                    .copied()
                    .filter(|r| r.check.applies_to(object, has_pod_spec))
                    .collect(),
            });
            for finding in engine.evaluate(object).findings_under(profile) {
                let position = object.resolve(&finding.pointer);
                let location = FileLocation {
                    path: loaded.path.clone(),
                    line: position.location.line,
                    column: position.location.column,
                    exact: position.exact,
                    quote: None,
                };
                report.findings.push(ReportFinding {
                    finding,
                    location: Some(location),
                });
            }
        }
    }
    report.sort();
    report
}

/// The shipped examples, insecure and hardened.
pub fn examples() -> Report {
    scan(&[
        (
            "examples/insecure/shop.yaml",
            include_str!("../../../../examples/insecure/shop.yaml"),
        ),
        (
            "examples/insecure/admin.yaml",
            include_str!("../../../../examples/insecure/admin.yaml"),
        ),
        (
            "examples/hardened/storefront.yaml",
            include_str!("../../../../examples/hardened/storefront.yaml"),
        ),
    ])
}
