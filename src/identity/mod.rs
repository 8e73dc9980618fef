//! Who is at this laptop: a person (name, optionally 职称 and 单位) and an ed25519
//! signing key, kept in the config dir. The key is made silently the first time it is
//! needed; its file is readable by its owner only (mode 0600). Every journal entry
//! this laptop writes is signed with it (see [`crate::journal`]).
//!
//! Also here: who is *acting* for a command ([`acting`]), and the keys of other
//! laptops this one trusts ([`keys`]).
//!
//! Files, in the config dir:
//! - `identity.toml`: `name`, `title` (职称), `unit` (单位);
//! - `signing-key`: the 32-byte ed25519 seed as 64 hex digits;
//! - `trusted-keys.toml`: see [`keys::TrustStore`].

pub mod keys;

use std::fmt;
use std::path::{Path, PathBuf};

use ed25519_dalek::{Signer as _, SigningKey, Verifier as _};
use serde::{Deserialize, Serialize};

use crate::text::clean_line;

/// The person at this laptop, as they set it with `pingshen whoami --set`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Person {
    #[serde(default)]
    pub name: String,
    /// 职称, e.g. 主任医师.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub title: String,
    /// 单位, e.g. 东城区卫生健康委员会.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub unit: String,
}

/// An ed25519 public key: 32 bytes, written as 64 lowercase hex digits.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PublicKey(pub [u8; 32]);

impl PublicKey {
    pub fn hex(&self) -> String {
        hex(&self.0)
    }

    pub fn parse(text: &str) -> Option<PublicKey> {
        let bytes = unhex(text.trim())?;
        Some(PublicKey(bytes.try_into().ok()?))
    }

    /// What people compare: the first 16 hex digits of the key's sha256, in groups of
    /// four (`AB12 CD34 EF56 7890`).
    pub fn fingerprint(&self) -> String {
        group(&crate::checklist::sha256_hex(&self.0)[..16])
    }

    /// The first two groups of [`PublicKey::fingerprint`], as printed in reports.
    pub fn short_fingerprint(&self) -> String {
        group(&crate::checklist::sha256_hex(&self.0)[..8])
    }

    /// Whether `signature` (128 hex digits) is this key's signature of `message`.
    pub fn verifies(&self, message: &[u8], signature: &str) -> bool {
        let Some(sig) = unhex(signature).and_then(|b| <[u8; 64]>::try_from(b).ok()) else {
            return false;
        };
        let Ok(key) = ed25519_dalek::VerifyingKey::from_bytes(&self.0) else {
            return false;
        };
        key.verify(message, &ed25519_dalek::Signature::from_bytes(&sig))
            .is_ok()
    }
}

fn group(hex: &str) -> String {
    hex.to_uppercase()
        .as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PublicKey({})", self.fingerprint())
    }
}

impl Serialize for PublicKey {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.hex())
    }
}

impl<'de> Deserialize<'de> for PublicKey {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<PublicKey, D::Error> {
        let s = String::deserialize(d)?;
        PublicKey::parse(&s).ok_or_else(|| serde::de::Error::custom("公钥应为 64 位十六进制数字"))
    }
}

pub use crate::text::hex;

pub fn unhex(text: &str) -> Option<Vec<u8>> {
    // A digit's value, or 0xff: one lookup a character and no branch, since every
    // signature and hash read goes through here.
    const VALUE: [u8; 256] = {
        let mut t = [0xffu8; 256];
        let mut i = 0;
        while i < 10 {
            t[b'0' as usize + i] = i as u8;
            i += 1;
        }
        let mut i = 0;
        while i < 6 {
            t[b'a' as usize + i] = 10 + i as u8;
            t[b'A' as usize + i] = 10 + i as u8;
            i += 1;
        }
        t
    };
    let bytes = text.as_bytes();
    if !bytes.len().is_multiple_of(2) {
        return None;
    }
    let mut out = vec![0u8; bytes.len() / 2];
    let mut bad = 0u8;
    for (o, pair) in out.iter_mut().zip(bytes.chunks_exact(2)) {
        let (hi, lo) = (VALUE[usize::from(pair[0])], VALUE[usize::from(pair[1])]);
        bad |= hi | lo;
        *o = (hi << 4) | (lo & 0x0f);
    }
    (bad & 0xf0 == 0).then_some(out)
}

/// This laptop's person and signing key.
pub struct Identity {
    pub person: Person,
    key: SigningKey,
    /// Where it is kept; `None` for a throwaway identity.
    dir: Option<PathBuf>,
}

impl fmt::Debug for Identity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Identity")
            .field("person", &self.person)
            .field("key", &self.public_key())
            .finish()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum IdentityError {
    #[error(
        "无法读取或写入本机身份 {path}：{io}。请检查配置目录的权限，或用 --config-dir 指定另一个目录。"
    )]
    Io { path: PathBuf, io: std::io::Error },
    #[error(
        "本机身份文件 {path} 已损坏（{why}）。请把它移走后重试（会生成新的签名密钥），或从备份恢复。"
    )]
    Damaged { path: PathBuf, why: String },
    #[error(
        "系统没有提供配置目录，无法保存签名密钥。请用 --config-dir 或环境变量 PINGSHEN_CONFIG_DIR 指定。"
    )]
    NoConfigDir,
    #[error("姓名不能为空。用法：pingshen whoami --set 姓名 [--title 职称] [--unit 单位]")]
    EmptyName,
    #[error("{what}太长（最多 {max} 个字）。")]
    TooLong { what: &'static str, max: usize },
}

const KEY_FILE: &str = "signing-key";
const PERSON_FILE: &str = "identity.toml";

impl Identity {
    /// The identity kept in `config_dir`, its key made (silently) if there is none.
    pub fn load(config_dir: &Path) -> Result<Identity, IdentityError> {
        let key = load_or_make_key(config_dir)?;
        let person_path = config_dir.join(PERSON_FILE);
        let person = match std::fs::read_to_string(&person_path) {
            Ok(text) => toml::from_str::<Person>(&text).map_err(|e| IdentityError::Damaged {
                path: person_path.clone(),
                why: e.message().to_string(),
            })?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Person::default(),
            Err(io) => {
                return Err(IdentityError::Io {
                    path: person_path,
                    io,
                });
            }
        };
        Ok(Identity {
            person: Person {
                name: clean_line(&person.name),
                title: clean_line(&person.title),
                unit: clean_line(&person.unit),
            },
            key,
            dir: Some(config_dir.to_path_buf()),
        })
    }

    /// An identity with a fresh key that is kept nowhere: for tests and tools that
    /// write a store no person will answer for.
    pub fn throwaway(name: &str) -> Identity {
        Identity {
            person: Person {
                name: name.to_string(),
                ..Person::default()
            },
            key: SigningKey::from_bytes(&random_seed()),
            dir: None,
        }
    }

    /// A fixed key from `seed`, for tests that need the same key twice.
    pub fn from_seed(name: &str, seed: [u8; 32]) -> Identity {
        Identity {
            person: Person {
                name: name.to_string(),
                ..Person::default()
            },
            key: SigningKey::from_bytes(&seed),
            dir: None,
        }
    }

    /// Sets and saves the person (name, 职称, 单位); the key stays.
    pub fn set_person(&mut self, person: Person) -> Result<(), IdentityError> {
        let person = Person {
            name: clean_line(&person.name),
            title: clean_line(&person.title),
            unit: clean_line(&person.unit),
        };
        if person.name.is_empty() {
            return Err(IdentityError::EmptyName);
        }
        let max = crate::store::gate::SHORT_TEXT_MAX;
        for (what, v) in [
            ("姓名", &person.name),
            ("职称", &person.title),
            ("单位", &person.unit),
        ] {
            if v.chars().count() > max {
                return Err(IdentityError::TooLong { what, max });
            }
        }
        if let Some(dir) = &self.dir {
            let path = dir.join(PERSON_FILE);
            let text = toml::to_string(&person).map_err(|e| IdentityError::Damaged {
                path: path.clone(),
                why: e.to_string(),
            })?;
            crate::store::write_atomically(&path, text)
                .map_err(|io| IdentityError::Io { path, io })?;
        }
        self.person = person;
        Ok(())
    }

    pub fn public_key(&self) -> PublicKey {
        PublicKey(self.key.verifying_key().to_bytes())
    }

    /// The signature of `message`, as 128 hex digits.
    pub fn sign(&self, message: &[u8]) -> String {
        hex(&self.key.sign(message).to_bytes())
    }

    /// The name, when one is set.
    pub fn name(&self) -> Option<&str> {
        Some(self.person.name.as_str()).filter(|n| !n.is_empty())
    }

    pub fn dir(&self) -> Option<&Path> {
        self.dir.as_deref()
    }
}

#[expect(
    clippy::expect_used,
    reason = "without the operating system's randomness no key can be made safely; there is nothing to fall back to"
)]
fn random_seed() -> [u8; 32] {
    let mut seed = [0u8; 32];
    getrandom::fill(&mut seed).expect("the operating system provides random bytes");
    seed
}

fn load_or_make_key(dir: &Path) -> Result<SigningKey, IdentityError> {
    let path = dir.join(KEY_FILE);
    match std::fs::read_to_string(&path) {
        Ok(text) => {
            let seed = unhex(text.trim())
                .and_then(|b| <[u8; 32]>::try_from(b).ok())
                .ok_or_else(|| IdentityError::Damaged {
                    path: path.clone(),
                    why: "不是 64 位十六进制数字".into(),
                })?;
            Ok(SigningKey::from_bytes(&seed))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let seed = random_seed();
            write_private(&path, format!("{}\n", hex(&seed)).as_bytes()).map_err(|io| {
                IdentityError::Io {
                    path: path.clone(),
                    io,
                }
            })?;
            Ok(SigningKey::from_bytes(&seed))
        }
        Err(io) => Err(IdentityError::Io { path, io }),
    }
}

/// Writes a new file readable by its owner only, whole or not at all: a temporary
/// file created with mode 0600, synced, renamed into place, the directory synced.
/// An existing file is never replaced (two pingshens starting at once keep one key).
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let tmp = dir.join(format!(".signing-key.{}.tmp", std::process::id()));
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let _ = std::fs::remove_file(&tmp);
    let result = (|| -> std::io::Result<()> {
        let mut f = options.open(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        // A hard link fails when the key exists: the first key made stays the key.
        std::fs::hard_link(&tmp, path)?;
        if let Ok(d) = std::fs::File::open(dir) {
            let _ = d.sync_all();
        }
        Ok(())
    })();
    let _ = std::fs::remove_file(&tmp);
    match result {
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        other => other,
    }
}

/// Where a command's actor came from, for messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActingSource {
    /// `--as NAME` (or `--by`).
    Flag,
    /// `PINGSHEN_INSPECTOR`.
    Environment,
    /// The laptop's identity, which is one of the inspection's inspectors.
    Identity,
    /// The inspection has one inspector.
    OnlyInspector,
    /// Chosen in the TUI when it asked.
    Asked,
}

/// Nobody could be named as the one acting.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "不知道是哪位评审专家在操作：这次检查有 {} 位评审专家（{}），本机身份{}。请用 --as 姓名 写明是谁，或设置环境变量 PINGSHEN_INSPECTOR，或用 pingshen whoami --set 姓名 设置本机身份。",
    inspectors.len(),
    inspectors.join("、"),
    identity.as_deref().map_or("未设置".to_string(), |n| format!("「{n}」不在其中"))
)]
pub struct NoActor {
    pub inspectors: Vec<String>,
    pub identity: Option<String>,
}

/// Who is acting, in this order: `flag` (`--as`), `env` (`PINGSHEN_INSPECTOR`), the
/// laptop identity's name if it is one of `inspectors`, the only inspector. Names are
/// cleaned as stored; an empty one counts as not given.
pub fn acting(
    flag: Option<&str>,
    env: Option<&str>,
    identity: Option<&str>,
    inspectors: &[String],
) -> Result<(String, ActingSource), NoActor> {
    let given = |v: Option<&str>| v.map(clean_line).filter(|n| !n.is_empty());
    if let Some(n) = given(flag) {
        return Ok((n, ActingSource::Flag));
    }
    if let Some(n) = given(env) {
        return Ok((n, ActingSource::Environment));
    }
    let me = given(identity);
    if let Some(n) = &me
        && inspectors.iter().any(|i| i == n)
    {
        return Ok((n.clone(), ActingSource::Identity));
    }
    if let [only] = inspectors {
        return Ok((only.clone(), ActingSource::OnlyInspector));
    }
    Err(NoActor {
        inspectors: inspectors.to_vec(),
        identity: me,
    })
}

/// `PINGSHEN_INSPECTOR`, when set.
pub fn inspector_from_env() -> Option<String> {
    std::env::var("PINGSHEN_INSPECTOR").ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(n: &[&str]) -> Vec<String> {
        n.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn unhex_reads_hex_and_nothing_else() {
        assert_eq!(unhex("00ff7fA0"), Some(vec![0, 255, 127, 160]));
        assert_eq!(unhex(""), Some(vec![]));
        for bad in ["0", "0g", "g0", "-1", "１２", "0 "] {
            assert_eq!(unhex(bad), None, "{bad:?}");
        }
        let all: Vec<u8> = (0..=255).collect();
        assert_eq!(unhex(&hex(&all)), Some(all));
    }

    #[test]
    fn acting_follows_the_documented_order() {
        let two = names(&["王喆", "李四"]);
        let pick = |f, e, i, who: &[String]| acting(f, e, i, who);
        assert_eq!(
            pick(Some("赵六"), Some("李四"), Some("王喆"), &two).unwrap(),
            ("赵六".into(), ActingSource::Flag)
        );
        assert_eq!(
            pick(None, Some("李四"), Some("王喆"), &two).unwrap(),
            ("李四".into(), ActingSource::Environment)
        );
        assert_eq!(
            pick(None, None, Some("李四"), &two).unwrap(),
            ("李四".into(), ActingSource::Identity)
        );
        // The identity is not one of the inspectors, and there are two: nobody.
        let err = pick(None, Some("  "), Some("赵六"), &two).unwrap_err();
        assert!(err.to_string().contains("--as"), "{err}");
        assert!(err.to_string().contains("「赵六」不在其中"), "{err}");
        assert_eq!(
            pick(None, None, Some("赵六"), &names(&["王喆"])).unwrap(),
            ("王喆".into(), ActingSource::OnlyInspector)
        );
    }

    #[test]
    fn a_key_is_made_once_private_and_signs_verifiably() {
        let dir = tempfile::tempdir().unwrap();
        let first = Identity::load(dir.path()).unwrap();
        let again = Identity::load(dir.path()).unwrap();
        assert_eq!(first.public_key(), again.public_key());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join(KEY_FILE))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let sig = first.sign(b"1.1.1 A");
        assert!(again.public_key().verifies(b"1.1.1 A", &sig));
        assert!(!again.public_key().verifies(b"1.1.1 B", &sig));
        assert_eq!(first.public_key().fingerprint().len(), 19);
    }

    #[test]
    fn the_person_is_kept_and_cleaned() {
        let dir = tempfile::tempdir().unwrap();
        let mut me = Identity::load(dir.path()).unwrap();
        assert_eq!(me.name(), None);
        me.set_person(Person {
            name: " 王喆\u{202e} ".into(),
            title: "主任医师".into(),
            unit: String::new(),
        })
        .unwrap();
        let again = Identity::load(dir.path()).unwrap();
        assert_eq!(again.name(), Some("王喆"));
        assert_eq!(again.person.title, "主任医师");
        assert!(matches!(
            me.set_person(Person::default()),
            Err(IdentityError::EmptyName)
        ));
    }
}
