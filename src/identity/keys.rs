//! The keys of other laptops this one trusts, by the name they sign as: trust on
//! first use. A key not seen before for a name is shown with its fingerprint and must
//! be accepted once (`pingshen keys trust`, or `--trust` on import and merge); it is
//! then remembered. A revoked key is refused from then on.
//!
//! Kept in `trusted-keys.toml` in the config dir:
//!
//! ```toml
//! [[key]]
//! name = "李四"
//! key = "…64 hex digits…"
//! trusted_at = "2026-12-01T09:30:00.000+08:00"
//! # revoked_at = "…" once revoked
//! ```

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::{IdentityError, PublicKey};
use crate::time::Stamp;

const FILE: &str = "trusted-keys.toml";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrustedKey {
    pub name: String,
    pub key: PublicKey,
    pub trusted_at: Stamp,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revoked_at: Option<Stamp>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trust {
    Trusted,
    /// Never seen for this name: ask once.
    Unknown,
    Revoked,
}

#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    key: Vec<TrustedKey>,
}

/// The trusted keys, as read from the config dir.
#[derive(Debug)]
pub struct TrustStore {
    path: Option<PathBuf>,
    keys: Vec<TrustedKey>,
}

impl TrustStore {
    pub fn load(config_dir: &Path) -> Result<TrustStore, IdentityError> {
        let path = config_dir.join(FILE);
        let keys = match std::fs::read_to_string(&path) {
            Ok(text) => {
                toml::from_str::<File>(&text)
                    .map_err(|e| IdentityError::Damaged {
                        path: path.clone(),
                        why: e.message().to_string(),
                    })?
                    .key
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
            Err(io) => return Err(IdentityError::Io { path, io }),
        };
        Ok(TrustStore {
            path: Some(path),
            keys,
        })
    }

    /// A store kept nowhere, trusting nothing: for tests and tools.
    pub fn empty() -> TrustStore {
        TrustStore {
            path: None,
            keys: Vec::new(),
        }
    }

    pub fn keys(&self) -> &[TrustedKey] {
        &self.keys
    }

    pub fn status(&self, name: &str, key: &PublicKey) -> Trust {
        match self.keys.iter().find(|k| k.name == name && &k.key == key) {
            Some(k) if k.revoked_at.is_some() => Trust::Revoked,
            Some(_) => Trust::Trusted,
            None => Trust::Unknown,
        }
    }

    /// Whether `key` is trusted for some name (and revoked for none): enough for the
    /// one who signed a bundle, whose name is only a label — each entry's author is
    /// checked by name and key.
    pub fn knows_key(&self, key: &PublicKey) -> Trust {
        let of_key: Vec<&TrustedKey> = self.keys.iter().filter(|k| &k.key == key).collect();
        if of_key.iter().any(|k| k.revoked_at.is_some()) {
            Trust::Revoked
        } else if of_key.is_empty() {
            Trust::Unknown
        } else {
            Trust::Trusted
        }
    }

    /// Trusts `key` for `name` (again, if it was revoked). Returns false when it was
    /// already trusted.
    pub fn trust(&mut self, name: &str, key: PublicKey) -> bool {
        match self
            .keys
            .iter_mut()
            .find(|k| k.name == name && k.key == key)
        {
            Some(k) if k.revoked_at.is_none() => false,
            Some(k) => {
                k.revoked_at = None;
                k.trusted_at = Stamp::now();
                true
            }
            None => {
                self.keys.push(TrustedKey {
                    name: name.to_string(),
                    key,
                    trusted_at: Stamp::now(),
                    revoked_at: None,
                });
                true
            }
        }
    }

    /// The keys whose fingerprint starts with `fingerprint` (spaces and case ignored).
    pub fn matching(&self, fingerprint: &str) -> Vec<&TrustedKey> {
        let want = normalise(fingerprint);
        if want.is_empty() {
            return Vec::new();
        }
        self.keys
            .iter()
            .filter(|k| normalise(&k.key.fingerprint()).starts_with(&want) || k.key.hex() == want)
            .collect()
    }

    /// Revokes every key (for any name) whose fingerprint starts with `fingerprint`.
    /// Returns how many were revoked.
    pub fn revoke(&mut self, fingerprint: &str) -> usize {
        let want = normalise(fingerprint);
        let mut n = 0;
        for k in &mut self.keys {
            if !want.is_empty()
                && (normalise(&k.key.fingerprint()).starts_with(&want) || k.key.hex() == want)
                && k.revoked_at.is_none()
            {
                k.revoked_at = Some(Stamp::now());
                n += 1;
            }
        }
        n
    }

    /// Writes the file, whole or not at all.
    pub fn save(&self) -> Result<(), IdentityError> {
        let Some(path) = &self.path else {
            return Ok(());
        };
        let text = toml::to_string(&File {
            key: self.keys.clone(),
        })
        .map_err(|e| IdentityError::Damaged {
            path: path.clone(),
            why: e.to_string(),
        })?;
        let text = format!(
            "# pingshen 信任的其他电脑的签名密钥（pingshen keys 查看，pingshen keys trust / revoke 修改）\n{text}"
        );
        crate::store::write_atomically(path, text).map_err(|io| IdentityError::Io {
            path: path.clone(),
            io,
        })
    }
}

fn normalise(fingerprint: &str) -> String {
    fingerprint
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trust_on_first_use_is_remembered_and_revocable() {
        let dir = tempfile::tempdir().unwrap();
        let other = super::super::Identity::throwaway("李四").public_key();
        let mut store = TrustStore::load(dir.path()).unwrap();
        assert_eq!(store.status("李四", &other), Trust::Unknown);
        assert!(store.trust("李四", other));
        assert!(!store.trust("李四", other));
        store.save().unwrap();
        let mut again = TrustStore::load(dir.path()).unwrap();
        assert_eq!(again.status("李四", &other), Trust::Trusted);
        // The same key under another name is not trusted for it.
        assert_eq!(again.status("王喆", &other), Trust::Unknown);
        let fp = other.fingerprint();
        assert_eq!(again.matching(&fp[..9]).len(), 1);
        assert_eq!(again.revoke(&fp.to_lowercase()), 1);
        again.save().unwrap();
        assert_eq!(
            TrustStore::load(dir.path()).unwrap().status("李四", &other),
            Trust::Revoked
        );
    }
}
