//! The record seal: which journal a report was made from. The signature page prints
//! it in short ([`RecordSeal::summary`]); the PDF's document information dictionary
//! carries it in full, under custom keys, so `pingshen verify 报告.pdf` can compare it
//! with the inspection's journal ([`read_seal`]). docs/formats.md describes the keys.
//!
//! printpdf 0.12.8 writes a fixed set of Info keys, so [`stamp`] adds ours to the
//! lopdf document printpdf builds, before it is compressed and saved.

use std::panic::{AssertUnwindSafe, catch_unwind};

use lopdf::{Dictionary, Document, LoadOptions, Object};
use serde::{Deserialize, Serialize};

use crate::text::clean_line;

/// The seal of the record a report was made from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordSeal {
    /// sha256 of the journal's head entry, 64 lowercase hex digits.
    pub head: String,
    /// Number of journal entries the report was made from.
    pub entries: u64,
    /// Who signed entries of the record, in the order given (the caller sorts).
    pub signers: Vec<Signer>,
}

/// One signer of a record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signer {
    /// As stored: a one-line name that [`clean_line`] leaves unchanged.
    pub name: String,
    /// e.g. "AB12 CD34" (short key fingerprint: groups of four upper-case hex digits,
    /// one space between), or "" for entries migrated from an older pingshen
    /// (unsigned).
    pub fingerprint: String,
}

/// Why a PDF's record seal could not be read. Each says what to do.
#[derive(Debug, thiserror::Error)]
pub enum SealError {
    #[error(
        "文件太大（{bytes} 字节，上限 200 MB），不是 pingshen 生成的评审报告。请确认选择的是评审报告 PDF 文件。"
    )]
    TooLarge { bytes: u64 },

    #[error(
        "文件不是有效的 PDF（{detail}）。请确认选择的是 pingshen 生成的评审报告 PDF，且文件完整、未被截断；如是网盘或邮件下载的文件，请重新下载。"
    )]
    NotPdf { detail: String },

    #[error(
        "评审报告中的记录摘要已损坏：{detail}。该文件可能在 pingshen 之外被改动过；请用 pingshen 从检查记录重新生成评审报告。"
    )]
    Damaged { detail: String },

    #[error(
        "评审报告中的记录摘要格式为第 {format} 版，本版本 pingshen 只能读取第 1 版。请升级 pingshen 后再核对。"
    )]
    NewerFormat { format: String },

    /// For callers that need a seal: `read_seal(pdf)?.ok_or(SealError::NoSeal)`.
    #[error(
        "这份 PDF 不是带记录摘要的 pingshen 评审报告：其中没有记录摘要。请确认选择的是 pingshen 生成的评审报告；较早版本的 pingshen 生成的报告没有记录摘要，可用新版本重新生成。"
    )]
    NoSeal,
}

/// Largest PDF [`read_seal`] reads, in bytes.
pub const PDF_MAX: usize = 200 * 1024 * 1024;
/// Largest stream lopdf may inflate while loading (object and cross-reference
/// streams): a small hostile file cannot make it allocate more.
const INFLATE_MAX: usize = 64 * 1024 * 1024;
/// Most signers in a seal, and longest signer name in characters (as the store's
/// one-line fields).
pub const SIGNERS_MAX: usize = 1000;
pub const NAME_MAX: usize = 200;
/// Longest fingerprint: 64 hex digits in groups of four.
const FINGERPRINT_GROUPS_MAX: usize = 16;

/// The Info keys. [`KEY_FORMAT`] is the seal's format version, "1".
pub const KEY_FORMAT: &str = "PingshenRecordSeal";
pub const KEY_HEAD: &str = "PingshenRecordHead";
pub const KEY_ENTRIES: &str = "PingshenRecordEntries";
pub const KEY_SIGNERS: &str = "PingshenSigners";
const FORMAT: &str = "1";
const KEYS: [&str; 4] = [KEY_FORMAT, KEY_HEAD, KEY_ENTRIES, KEY_SIGNERS];

/// How many hex digits of the head the signature page shows.
const HEAD_SHOWN: usize = 16;

/// One signer in [`KEY_SIGNERS`]'s JSON array.
#[derive(Serialize, Deserialize)]
struct SignerEntry {
    name: String,
    fingerprint: String,
}

impl RecordSeal {
    /// What is wrong with this seal: a report is only sealed with a seal that
    /// [`read_seal`] gives back equal.
    pub fn check(&self) -> Result<(), String> {
        check_head(&self.head)?;
        if self.entries == 0 {
            return Err("记录条数为 0（有记录摘要的记录至少有 1 条）".into());
        }
        if self.signers.len() > SIGNERS_MAX {
            return Err(format!(
                "签名人有 {} 位，超过上限 {SIGNERS_MAX} 位",
                self.signers.len()
            ));
        }
        for s in &self.signers {
            check_name(&s.name)?;
            if clean_line(&s.name) != s.name {
                return Err(format!(
                    "签名人姓名「{}」含有换行、制表符、控制字符或首尾空白",
                    clean_line(&s.name)
                ));
            }
            check_fingerprint(&s.name, &s.fingerprint)?;
        }
        Ok(())
    }

    /// The line on the signature page: `记录摘要 3f2a9c1d0e4b5a69…（共 128 条记录）；
    /// 签名 王喆（密钥 AB12 CD34）、李四（迁移记录，未签名）`.
    pub fn summary(&self) -> String {
        let shown: String = self.head.chars().take(HEAD_SHOWN).collect();
        let signers = if self.signers.is_empty() {
            "无签名人".to_string()
        } else {
            let names: Vec<String> = self
                .signers
                .iter()
                .map(|s| {
                    if s.fingerprint.is_empty() {
                        format!("{}（迁移记录，未签名）", s.name)
                    } else {
                        format!("{}（密钥 {}）", s.name, s.fingerprint)
                    }
                })
                .collect();
            format!("签名 {}", names.join("、"))
        };
        format!("记录摘要 {shown}…（共 {} 条记录）；{signers}", self.entries)
    }
}

fn check_head(head: &str) -> Result<(), String> {
    if head.len() == 64 && head.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
        Ok(())
    } else {
        Err(format!(
            "记录摘要「{}」不是 64 位小写十六进制数字",
            clean_line(&head.chars().take(80).collect::<String>())
        ))
    }
}

fn check_name(name: &str) -> Result<(), String> {
    if name.is_empty() {
        return Err("有一位签名人的姓名为空".into());
    }
    if name.chars().count() > NAME_MAX {
        let start: String = name.chars().take(20).collect();
        return Err(format!("签名人姓名「{start}…」超过 {NAME_MAX} 个字"));
    }
    Ok(())
}

fn check_fingerprint(name: &str, fingerprint: &str) -> Result<(), String> {
    if fingerprint.is_empty() {
        return Ok(());
    }
    let groups: Vec<&str> = fingerprint.split(' ').collect();
    let valid = groups.len() <= FINGERPRINT_GROUPS_MAX
        && groups
            .iter()
            .all(|g| g.len() == 4 && g.bytes().all(|b| matches!(b, b'0'..=b'9' | b'A'..=b'F')));
    if valid {
        Ok(())
    } else {
        Err(format!(
            "签名人「{name}」的密钥指纹「{}」不是以空格分隔的四位大写十六进制数字组（如 AB12 CD34）",
            clean_line(&fingerprint.chars().take(80).collect::<String>())
        ))
    }
}

/// Writes `seal` into the document information dictionary of `doc` (made by
/// printpdf, which always gives it one).
pub(super) fn stamp(doc: &mut Document, seal: &RecordSeal) {
    let signers: Vec<SignerEntry> = seal
        .signers
        .iter()
        .map(|s| SignerEntry {
            name: s.name.clone(),
            fingerprint: s.fingerprint.clone(),
        })
        .collect();
    // A Vec of two-string structs always serialises.
    let signers = serde_json::to_string(&signers).unwrap_or_else(|_| "[]".into());
    let entries = [
        (KEY_FORMAT, Object::string_literal(FORMAT)),
        (KEY_HEAD, Object::string_literal(seal.head.as_str())),
        (
            KEY_ENTRIES,
            Object::string_literal(seal.entries.to_string()),
        ),
        // ASCII as a literal string, anything else UTF-16BE with its byte-order mark.
        (KEY_SIGNERS, lopdf::text_string(&signers)),
    ];
    let info = doc.trailer.get(b"Info").and_then(Object::as_reference).ok();
    match info.and_then(|id| doc.get_dictionary_mut(id).ok()) {
        Some(dict) => {
            for (key, value) in entries {
                dict.set(key, value);
            }
        }
        None => {
            // printpdf always writes an Info dictionary; should it ever not, one is made.
            let id = doc.add_object(Dictionary::from_iter(entries));
            doc.trailer.set("Info", Object::Reference(id));
        }
    }
}

/// The seal's Info entries as found: text, or `Err` with what is wrong.
struct Found {
    format: Option<Result<String, String>>,
    head: Option<Result<String, String>>,
    entries: Option<Result<String, String>>,
    signers: Option<Result<String, String>>,
}

/// Reads the record seal of a report PDF. `Ok(None)`: a PDF without a pingshen seal
/// (another PDF, or a report by an older pingshen). The PDF is hostile input: it is
/// refused over [`PDF_MAX`], and nothing in it can make this panic.
pub fn read_seal(pdf: &[u8]) -> Result<Option<RecordSeal>, SealError> {
    if pdf.len() > PDF_MAX {
        return Err(SealError::TooLarge {
            bytes: pdf.len() as u64,
        });
    }
    // PDF readers look for the header in the first KB; lopdf would search the whole file.
    let head = &pdf[..pdf.len().min(1024)];
    if !head.windows(5).any(|w| w == b"%PDF-") {
        return Err(SealError::NotPdf {
            detail: "文件开头没有 %PDF- 标记".into(),
        });
    }
    let found = parse(pdf)?;
    let Found {
        format,
        head,
        entries,
        signers,
    } = found;
    if format.is_none() && head.is_none() && entries.is_none() && signers.is_none() {
        return Ok(None);
    }
    let need = |key: &str, v: Option<Result<String, String>>| -> Result<String, SealError> {
        match v {
            Some(Ok(s)) => Ok(s),
            Some(Err(detail)) => Err(SealError::Damaged {
                detail: format!("{key} {detail}"),
            }),
            None => Err(SealError::Damaged {
                detail: format!("缺少 {key}"),
            }),
        }
    };
    let format = need(KEY_FORMAT, format)?;
    if format != FORMAT {
        return if !format.is_empty() && format.bytes().all(|b| b.is_ascii_digit()) {
            Err(SealError::NewerFormat { format })
        } else {
            Err(SealError::Damaged {
                detail: format!(
                    "{KEY_FORMAT} 应为 1，却是「{}」",
                    clean_line(&format.chars().take(40).collect::<String>())
                ),
            })
        };
    }
    let damaged = |detail: String| SealError::Damaged { detail };
    let head = need(KEY_HEAD, head)?;
    check_head(&head).map_err(damaged)?;
    let entries = need(KEY_ENTRIES, entries)?;
    let entries = parse_entries(&entries).map_err(damaged)?;
    let signers = need(KEY_SIGNERS, signers)?;
    let signers = parse_signers(&signers).map_err(damaged)?;
    Ok(Some(RecordSeal {
        head,
        entries,
        signers,
    }))
}

fn parse_entries(text: &str) -> Result<u64, String> {
    let shown = || clean_line(&text.chars().take(40).collect::<String>());
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("记录条数「{}」不是数字", shown()));
    }
    match text.parse::<u64>() {
        Ok(0) => Err("记录条数为 0".into()),
        Ok(n) => Ok(n),
        Err(_) => Err(format!("记录条数「{}」过大", shown())),
    }
}

fn parse_signers(text: &str) -> Result<Vec<Signer>, String> {
    let entries: Vec<SignerEntry> =
        serde_json::from_str(text).map_err(|e| format!("{KEY_SIGNERS} 不是签名人列表（{e}）"))?;
    if entries.len() > SIGNERS_MAX {
        return Err(format!(
            "签名人有 {} 位，超过上限 {SIGNERS_MAX} 位",
            entries.len()
        ));
    }
    entries
        .into_iter()
        .map(|e| {
            let name = clean_line(&e.name);
            check_name(&name)?;
            check_fingerprint(&name, &e.fingerprint)?;
            Ok(Signer {
                name,
                fingerprint: e.fingerprint,
            })
        })
        .collect()
}

/// Loads `pdf` with lopdf and takes the seal's Info entries. lopdf may panic on
/// malformed input; the panic is caught here (the panic hook is left alone, so it may
/// still print a line on stderr).
fn parse(pdf: &[u8]) -> Result<Found, SealError> {
    let load = || -> Result<Found, SealError> {
        let options = LoadOptions {
            max_decompressed_size: Some(INFLATE_MAX),
            ..LoadOptions::default()
        };
        let doc = Document::load_mem_with_options(pdf, options).map_err(|e| SealError::NotPdf {
            detail: describe(&e),
        })?;
        let info = match doc.trailer.get(b"Info") {
            Err(_) => None,
            Ok(obj) => Some(
                doc.dereference(obj)
                    .and_then(|(_, o)| o.as_dict())
                    .map_err(|e| SealError::Damaged {
                        detail: format!("文档信息字典无法读取（{e}）"),
                    })?,
            ),
        };
        let take = |key: &str| -> Option<Result<String, String>> {
            let obj = info?.get(key.as_bytes()).ok()?;
            Some(text_of(&doc, obj))
        };
        let [format, head, entries, signers] = KEYS.map(take);
        Ok(Found {
            format,
            head,
            entries,
            signers,
        })
    };
    match catch_unwind(AssertUnwindSafe(load)) {
        Ok(found) => found,
        Err(_) => Err(SealError::NotPdf {
            detail: "文件结构损坏，无法解析".into(),
        }),
    }
}

/// A text string's text (an integer is taken as its digits).
fn text_of(doc: &Document, obj: &Object) -> Result<String, String> {
    let obj = doc
        .dereference(obj)
        .map(|(_, o)| o)
        .map_err(|e| format!("无法读取（{e}）"))?;
    match obj {
        Object::Integer(n) => Ok(n.to_string()),
        Object::String(..) => {
            lopdf::decode_text_string(obj).map_err(|_| "不是有效的 PDF 文本字符串".to_string())
        }
        other => Err(format!("应为文本字符串，却是 {}", other.enum_variant())),
    }
}

/// lopdf's error in words a reader of the message can act on.
fn describe(e: &lopdf::Error) -> String {
    use lopdf::Error as E;
    match e {
        E::Parse(_) => "文件结构无法解析".into(),
        E::Xref(_) | E::MissingXrefEntry | E::InvalidOffset(_) => {
            "交叉引用表缺失或损坏，文件可能不完整".into()
        }
        E::Decompress(_) => "压缩数据损坏或超过大小上限".into(),
        E::Decryption(_) | E::InvalidPassword | E::Unimplemented(_) => {
            "文件已加密，或使用了无法读取的功能".into()
        }
        other => format!("无法读取：{other}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seal(signers: &[(&str, &str)]) -> RecordSeal {
        RecordSeal {
            head: "0123456789abcdef".repeat(4),
            entries: 7,
            signers: signers
                .iter()
                .map(|(n, f)| Signer {
                    name: (*n).into(),
                    fingerprint: (*f).into(),
                })
                .collect(),
        }
    }

    #[test]
    fn the_summary_shows_16_digits_the_count_and_each_signer() {
        assert_eq!(
            seal(&[("王喆", "AB12 CD34"), ("李四", "")]).summary(),
            "记录摘要 0123456789abcdef…（共 7 条记录）；签名 王喆（密钥 AB12 CD34）、李四（迁移记录，未签名）"
        );
        assert_eq!(
            seal(&[]).summary(),
            "记录摘要 0123456789abcdef…（共 7 条记录）；无签名人"
        );
    }

    #[test]
    fn fingerprints_are_groups_of_four_upper_case_hex_digits() {
        for ok in ["", "AB12", "AB12 CD34", &["0F0F"; 16].join(" ")] {
            assert!(check_fingerprint("王喆", ok).is_ok(), "{ok}");
        }
        for bad in [
            "ab12",
            "AB1",
            "AB12 ",
            " AB12",
            "AB12\u{a0}CD34",
            &["0F0F"; 17].join(" "),
        ] {
            assert!(check_fingerprint("王喆", bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn entries_are_plain_decimal_digits() {
        assert_eq!(parse_entries("128"), Ok(128));
        assert_eq!(parse_entries("0007"), Ok(7));
        for bad in ["", "+1", "-1", "1.0", " 1", "0", "١٢"] {
            assert!(parse_entries(bad).is_err(), "{bad:?}");
        }
    }
}
