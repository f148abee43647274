//! Compiles the gRPC API with protox (pure Rust), so no `protoc` has to be installed.

use std::path::PathBuf;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let files = [
        "../../proto/ledgerline/v1/common.proto",
        "../../proto/ledgerline/v1/extraction.proto",
        "../../proto/ledgerline/v1/suggestion.proto",
        "../../proto/ledgerline/v1/proposal.proto",
        "../../proto/ledgerline/v1/review.proto",
    ];
    for file in files {
        println!("cargo:rerun-if-changed={file}");
    }
    let fds = protox::compile(files, ["../../proto"])?;
    let out = PathBuf::from(std::env::var("OUT_DIR")?);
    // The descriptor set feeds server reflection.
    std::fs::write(
        out.join("ledgerline_descriptor.bin"),
        prost::Message::encode_to_vec(&fds),
    )?;
    tonic_prost_build::configure().compile_fds(fds)?;
    Ok(())
}
