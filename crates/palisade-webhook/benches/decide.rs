//! The work behind one admission request, without HTTP: decoding the AdmissionReview,
//! deciding, encoding the answer; and, for comparison, decoding through kube-core's
//! `AdmissionReview<DynamicObject>` and turning the object back into JSON (what using its
//! request type would cost).

#![allow(clippy::expect_used, clippy::unwrap_used, reason = "benchmark")]

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use kube_core::DynamicObject;
use kube_core::admission::{AdmissionRequest, AdmissionReview};
use palisade_rules::config::Config;
use palisade_webhook::{Policy, decide, parse, review};

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(format!(
        "{}/tests/fixtures/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

fn bench(c: &mut Criterion) {
    let policy = Policy::new(Config::default(), Some("palisade")).unwrap();
    for name in ["pod-create-privileged.json", "pod-create-restricted.json"] {
        let body = fixture(name);
        let mut group = c.benchmark_group(name.trim_end_matches(".json"));
        group.throughput(Throughput::Bytes(body.len() as u64));
        group.bench_function("decode", |b| b.iter(|| parse(&body).unwrap()));
        group.bench_function("decode with kube-core DynamicObject", |b| {
            b.iter(|| {
                let review: AdmissionReview<DynamicObject> = serde_json::from_slice(&body).unwrap();
                let request: AdmissionRequest<DynamicObject> = review.try_into().unwrap();
                serde_json::to_value(request.object.unwrap()).unwrap()
            });
        });
        group.bench_function("decode, decide, encode", |b| {
            b.iter(|| {
                let decision = decide(&policy, parse(&body).unwrap(), "2026-11-25");
                review::encode(decision.response)
            });
        });
        group.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
