//! Loading speed of JSON streams: concatenated and NDJSON, 1k to 100k small objects. The time
//! per object must stay flat as the count grows (the splitter is one pass over the text).

use std::hint::black_box;
use std::sync::Arc;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use palisade_model::loader::load_bytes;

fn object(i: usize) -> String {
    format!(
        "{{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{{\"name\":\"cm-{i}\",\"namespace\":\"default\"}},\"data\":{{\"key\":\"value-{i}\"}}}}"
    )
}

/// One value after another on one line, as some tools print them.
fn concatenated(count: usize) -> String {
    (0..count).map(object).collect()
}

/// One value per line.
fn ndjson(count: usize) -> String {
    (0..count).map(|i| object(i) + "\n").collect()
}

fn json_streams(c: &mut Criterion) {
    let mut group = c.benchmark_group("json_stream");
    group.sample_size(10);
    for count in [1_000, 10_000, 100_000] {
        for (shape, text) in [
            ("concatenated", concatenated(count)),
            ("ndjson", ndjson(count)),
        ] {
            group.throughput(Throughput::Elements(count as u64));
            group.bench_with_input(BenchmarkId::new(shape, count), &text, |b, text| {
                b.iter(|| {
                    let file = load_bytes(Arc::from("bench.json"), text.as_bytes().to_vec());
                    black_box(file.objects.len())
                });
            });
        }
    }
    group.finish();
}

criterion_group!(benches, json_streams);
criterion_main!(benches);
