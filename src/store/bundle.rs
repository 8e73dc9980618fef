//! Export bundles: one inspection's journal entries and pinned checklists in one
//! file, signed by the exporter. The format is in docs/formats.md:
//!
//! ```json
//! {"format": "pingshen-bundle", "format_version": 3,
//!  "signer": {"name": "王喆", "key": "…"}, "signature": "…",
//!  "payload": {"inspection": "…", "checklists": {"<sha256>": "<toml>"},
//!              "entries": [ …journal entries… ], "evidence": []}}
//! ```
//!
//! The signature is the signer key's ed25519 signature of the signer as JSON
//! (`{"name":…,"key":…}`), a newline, and the exact bytes of `payload`. Every entry also carries its own author's signature, so a bundle can
//! be passed on by anyone without anyone's entries being changed unseen.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use super::Store;
use super::envelope::{self, EnvelopeError};
use super::error::Result;
use super::gate;
use super::journal::{Author, Entry};

pub const BUNDLE_FORMAT: &str = "pingshen-bundle";
/// History: 1 — the first signed bundle (pingshen's exports before it were
/// `pingshen-export` files with a bare checksum, which are no longer accepted).
/// 2 — entries write keys, hashes and signatures in base64url (journal entries of
/// format 2); entries in hex, as version 1 held them, are still read.
/// 3 — the payload may carry the inspection's facility record (`facility`).
pub const BUNDLE_FORMAT_VERSION: u32 = 3;
const LEGACY_FORMAT: &str = "pingshen-export";

/// The content of a bundle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Bundle {
    pub inspection: String,
    /// Every checklist text the entries pin, by sha256.
    pub checklists: BTreeMap<String, String>,
    /// The journal, in its order (parents before the entries that follow them).
    pub entries: Vec<Entry>,
    /// The evidence files the entries name, each once; none in a bundle made
    /// without files (they are listed as 缺失 where it is merged until a bundle with
    /// them arrives).
    #[serde(default)]
    pub evidence: Vec<EvidenceFile>,
    /// The facility the inspection is under, as the exporter's register holds it:
    /// where it is merged, a facility the register lacks is registered (or, when one
    /// of the same name and region is, merged into that one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub facility: Option<super::facility::Facility>,
    /// Who signed the bundle; set when it is read.
    #[serde(skip)]
    pub signer: Option<Author>,
}

#[derive(Serialize)]
struct Out<'a> {
    format: &'a str,
    format_version: u32,
    signer: &'a Author,
    signature: String,
    payload: &'a RawValue,
}

#[derive(Deserialize)]
struct In {
    format: String,
    format_version: u32,
    #[serde(default)]
    signer: Option<Author>,
    #[serde(default)]
    signature: Option<String>,
    payload: Box<RawValue>,
}

/// One evidence file carried in a bundle: the gate checks its content against its
/// sha256, and that an entry of the bundle names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EvidenceFile {
    pub sha256: String,
    /// As the entry names it (a file name).
    pub name: String,
    /// The bytes, base64 (standard alphabet, padded).
    pub content: String,
}

/// Most bytes of evidence files one bundle carries (before base64).
pub const BUNDLE_FILES_MAX: u64 = 350 * 1024 * 1024;

/// A bundle signed and ready to write.
#[derive(Debug, Clone)]
pub struct Sealed {
    pub text: String,
    pub inspection: String,
    pub institution: String,
    pub entries: usize,
    pub assessments: usize,
    /// Evidence files carried.
    pub files: usize,
}

impl Sealed {
    /// Writes the bundle to `path`, whole or not at all.
    pub fn write(&self, path: &Path) -> std::io::Result<()> {
        envelope::write_atomically(path, &self.text)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportOutcome {
    Imported,
    /// Every entry of the file was already here: nothing changed.
    AlreadyPresent,
    /// The inspection was here; the file's new entries were added to its journal.
    Merged,
}

impl Store {
    /// Inspection `id` as a bundle signed by this laptop's key, with the evidence
    /// files this laptop has.
    pub fn export(&self, id: &str) -> Result<Sealed> {
        self.export_with(id, true)
    }

    /// Inspection `id` as a bundle signed by this laptop's key; `with_files`: carry
    /// the evidence files (a bundle without them is small enough to mail).
    pub fn export_with(&self, id: &str, with_files: bool) -> Result<Sealed> {
        let id = gate::checked_id(id)?;
        let inspection = self.get(id)?;
        let (entries, _) = self.readable_journal(id)?;
        let mut checklists = BTreeMap::new();
        for (e, _) in &entries {
            for sha in super::journal::entry::pins(&e.change) {
                if !checklists.contains_key(&sha) {
                    checklists.insert(sha.clone(), self.checklist_text(&sha)?);
                }
            }
        }
        let entries: Vec<Entry> = entries.into_iter().map(|(e, _)| e).collect();
        let evidence = if with_files {
            self.bundle_files(&entries)?
        } else {
            Vec::new()
        };
        let facility = match &inspection.facility {
            Some(f) => self.facilities()?.resolve(f).cloned(),
            None => None,
        };
        let bundle = Bundle {
            inspection: id.to_string(),
            checklists,
            entries,
            evidence,
            facility,
            signer: None,
        };
        let name = self
            .identity
            .name()
            .map(str::to_string)
            .unwrap_or_else(|| "（未设置姓名）".to_string());
        Ok(Sealed {
            text: seal(&bundle, &self.identity, &name),
            inspection: id.to_string(),
            institution: inspection.institution.name.clone(),
            entries: bundle.entries.len(),
            assessments: self.assessments(id)?.len(),
            files: bundle.evidence.len(),
        })
    }
}

#[expect(
    clippy::expect_used,
    reason = "serde_json fails only on maps with non-string keys, which a bundle has not"
)]
fn seal(bundle: &Bundle, identity: &crate::identity::Identity, name: &str) -> String {
    let body = serde_json::to_string(bundle).expect("bundle serialises");
    let raw = RawValue::from_string(body).expect("serde_json output is valid JSON");
    let signer = Author {
        name: name.to_string(),
        key: Some(identity.public_key()),
    };
    serde_json::to_string(&Out {
        format: BUNDLE_FORMAT,
        format_version: BUNDLE_FORMAT_VERSION,
        signer: &signer,
        signature: identity.sign(&signed_message(&signer, raw.get())),
        payload: &raw,
    })
    .expect("bundle serialises")
}

/// What the bundle's signature covers: the signer, then the payload's exact bytes.
pub fn signed_message(signer: &Author, payload: &str) -> Vec<u8> {
    let mut m = super::encode(signer);
    m.push(b'\n');
    m.extend_from_slice(payload.as_bytes());
    m
}

/// Reads a bundle and checks it: the size, the format and version, the signer's
/// signature, every entry's signature and chain, and the content against the
/// project's rules ([`gate::admit_bundle`]). Whether the keys are trusted is asked
/// when the bundle is imported or merged.
pub fn read_bundle(path: &Path) -> Result<Bundle, EnvelopeError> {
    let text = envelope::read_text(path, gate::EXPORT_FILE_MAX)?;
    let shown = crate::text::for_terminal(&path.display().to_string()).into_owned();
    parse_bundle(&text, &shown)
}

/// [`read_bundle`] of a text already read; `shown` names it in messages.
pub fn parse_bundle(text: &str, shown: &str) -> Result<Bundle, EnvelopeError> {
    let env: In = serde_json::from_str(text).map_err(|e| EnvelopeError::Malformed {
        path: shown.to_string(),
        line: e.line(),
        column: e.column(),
        detail: e.to_string(),
    })?;
    if env.format == LEGACY_FORMAT {
        return Err(EnvelopeError::Legacy {
            path: shown.to_string(),
        });
    }
    if env.format != BUNDLE_FORMAT {
        return Err(EnvelopeError::WrongFormat {
            path: shown.to_string(),
            want: BUNDLE_FORMAT.to_string(),
            found: crate::text::for_terminal_line(&env.format).into_owned(),
        });
    }
    if !(1..=BUNDLE_FORMAT_VERSION).contains(&env.format_version) {
        return Err(EnvelopeError::TooNew {
            path: shown.to_string(),
            found: env.format_version,
            known: BUNDLE_FORMAT_VERSION,
        });
    }
    let (Some(signer), Some(signature)) = (env.signer, env.signature) else {
        return Err(EnvelopeError::Unsigned {
            path: shown.to_string(),
        });
    };
    let signed = signer
        .key
        .is_some_and(|k| k.verifies(&signed_message(&signer, env.payload.get()), &signature));
    if !signed {
        return Err(EnvelopeError::BadSignature {
            path: shown.to_string(),
            signer: crate::text::for_terminal_line(&signer.name).into_owned(),
        });
    }
    let mut bundle: Bundle =
        serde_json::from_str(env.payload.get()).map_err(|e| EnvelopeError::Payload {
            path: shown.to_string(),
            detail: e.to_string(),
        })?;
    gate::admit_bundle(&bundle).map_err(|refusal| EnvelopeError::Refused {
        path: shown.to_string(),
        refusal,
    })?;
    bundle.signer = Some(signer);
    Ok(bundle)
}
