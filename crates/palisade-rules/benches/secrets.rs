//! Secret detection on hostile values: the cost of one value must grow linearly with its
//! length. Each case is measured on a value of 10 KB, 100 KB and 1 MB (1×, 10×, 100×); with
//! `Throughput::Bytes`, a linear detector shows the same MiB/s at every size.
//!
//! The values repeat the start of a credential format without completing it, which is what
//! made the detectors quadratic: every partial match used to re-read the rest of the value.

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use palisade_model::{Object, Origin};
use palisade_rules::{Engine, Settings};
use serde_json::json;

/// Cases: a name and the unit repeated to fill the value.
const CASES: [(&str, &str); 8] = [
    ("jwt-openers", "eyJ-"),
    ("jwt-headers", "eyJhbGciOiJIUzI1NiJ9."),
    ("aws-prefixes", "AKIA"),
    ("github-prefixes", "ghp_aB3dE5fG7h"),
    ("pem-begins", "-----BEGIN RSA PRIVATE KEY-----\n"),
    ("url-schemes", "postgres://user:"),
    (
        "config-file",
        "spring.datasource.url=jdbc:x\nlog.level=debug\n",
    ),
    ("plain-text", "the quick brown fox jumps over the lazy dog "),
];

const SIZES: [usize; 3] = [10_000, 100_000, 1_000_000];

fn fill(unit: &str, size: usize) -> String {
    unit.repeat(size / unit.len() + 1)
        .get(..size)
        .map(str::to_string)
        .unwrap_or_default()
}

fn object(value: serde_json::Value) -> Option<Object> {
    Object::detached(
        value,
        Origin {
            path: "bench".into(),
            document: 0,
            item: None,
            template: None,
        },
    )
    .ok()
}

fn configmap(text: &str) -> Option<Object> {
    object(json!({
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": "big", "namespace": "bench"},
        "data": {"application.properties": text},
    }))
}

fn pod(text: &str) -> Option<Object> {
    object(json!({
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": "big", "namespace": "bench"},
        "spec": {"containers": [{"name": "app", "image": "app", "env": [{"name": "BLOB", "value": text}]}]},
    }))
}

fn bench(c: &mut Criterion) {
    let engine = Engine::new(Settings::default());
    for (kind, build) in [
        ("configmap", configmap as fn(&str) -> Option<Object>),
        ("env", pod),
    ] {
        let mut group = c.benchmark_group(format!("secrets/{kind}"));
        group.sample_size(10);
        for (name, unit) in CASES {
            for size in SIZES {
                let Some(object) = build(&fill(unit, size)) else {
                    continue;
                };
                group.throughput(Throughput::Bytes(size as u64));
                group.bench_with_input(BenchmarkId::new(name, size), &object, |b, object| {
                    b.iter(|| engine.evaluate(object));
                });
            }
        }
        group.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
