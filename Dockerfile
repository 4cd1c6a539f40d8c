# syntax=docker/dockerfile:1
# Palisade as a container image: one static binary on an empty base, running as a non-root
# user (65532, the UID `palisade install` runs the webhook as). Build for your platform with
#   docker build -t palisade .
# or for several with `docker buildx build --platform linux/amd64,linux/arm64 -t palisade .`.

FROM rust:1.95-bookworm AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends musl-tools \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
# musl makes the binary static, so the final image needs no libc; the target follows the
# platform being built (x86_64 or aarch64).
RUN target="$(uname -m)-unknown-linux-musl" \
 && rustup target add "$target" \
 && cargo build --profile dist --locked -p palisade --target "$target" \
 && install -D "target/$target/dist/palisade" /out/palisade

FROM scratch
COPY --from=build /out/palisade /palisade
USER 65532:65532
ENTRYPOINT ["/palisade"]
CMD ["--help"]
