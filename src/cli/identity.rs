//! `pingshen whoami`, `pingshen keys` and `pingshen verify`: who this laptop is, whom
//! it trusts, and whether the records hold.

use std::path::Path;
use std::process::ExitCode;

use anyhow::bail;
use clap::Subcommand;
use pingshen::identity::Person;
use pingshen::store::Store;

use super::{Paths, table};

#[derive(Subcommand, Debug)]
pub enum KeysAction {
    /// 列出信任的密钥（默认）
    List,
    /// 接受一个密钥：写出它的指纹（至少前 8 位；见导入时的提示）和姓名
    Trust {
        /// 密钥指纹，如 "AB12 CD34 EF56 7890"
        fingerprint: String,
        /// 这个密钥签名时用的姓名（指纹只对应一个姓名时可不写）
        #[arg(long)]
        name: Option<String>,
        /// 从这个导出文件中找这个密钥（第一次见到的密钥只在文件里）
        #[arg(long, value_name = "FILE")]
        from: Option<std::path::PathBuf>,
    },
    /// 吊销一个密钥：之后用它签名的文件一律拒绝
    Revoke {
        /// 密钥指纹（至少前 8 位）
        fingerprint: String,
    },
}

pub fn whoami(
    paths: &Paths,
    set: Option<String>,
    title: Option<String>,
    unit: Option<String>,
) -> anyhow::Result<ExitCode> {
    let mut me = paths.identity()?;
    if let Some(name) = set {
        me.set_person(Person {
            name,
            title: title.unwrap_or_else(|| me.person.title.clone()),
            unit: unit.unwrap_or_else(|| me.person.unit.clone()),
        })?;
        outln!("已设置本机身份。");
    }
    let p = &me.person;
    outln!(
        "姓名：{}",
        if p.name.is_empty() {
            "（未设置：pingshen whoami --set 姓名）"
        } else {
            &p.name
        }
    );
    if !p.title.is_empty() {
        outln!("职称：{}", p.title);
    }
    if !p.unit.is_empty() {
        outln!("单位：{}", p.unit);
    }
    outln!("签名密钥指纹：{}", me.public_key().fingerprint());
    if let Some(dir) = me.dir() {
        outln!("保存在：{}", dir.display());
    }
    Ok(ExitCode::SUCCESS)
}

pub fn keys(paths: &Paths, action: Option<KeysAction>) -> anyhow::Result<ExitCode> {
    let mut trust = paths.trust()?;
    match action.unwrap_or(KeysAction::List) {
        KeysAction::List => {
            let me = paths.identity()?;
            outln!(
                "本机密钥：{}（{}）",
                me.public_key().fingerprint(),
                me.name().unwrap_or("未设置姓名")
            );
            if trust.keys().is_empty() {
                outln!("还没有信任其他电脑的密钥。导入或合并组员的文件时会提示核对。");
                return Ok(ExitCode::SUCCESS);
            }
            let rows: Vec<Vec<String>> = trust
                .keys()
                .iter()
                .map(|k| {
                    vec![
                        k.name.clone(),
                        k.key.fingerprint(),
                        k.trusted_at.minute(),
                        k.revoked_at
                            .map_or("信任".into(), |t| format!("已吊销（{}）", t.minute())),
                    ]
                })
                .collect();
            out!(
                "{}",
                table::render(&["姓名", "指纹", "接受时间", "状态"], &rows)
            );
        }
        KeysAction::Trust {
            fingerprint,
            name,
            from,
        } => {
            let candidates: Vec<(String, pingshen::identity::PublicKey)> = match &from {
                Some(file) => {
                    let bundle = pingshen::store::read_bundle(file)?;
                    let mut seen = Vec::new();
                    for a in bundle
                        .signer
                        .iter()
                        .chain(bundle.entries.iter().map(|e| &e.author))
                    {
                        if let Some(k) = a.key
                            && !seen.contains(&(a.name.clone(), k))
                        {
                            seen.push((a.name.clone(), k));
                        }
                    }
                    seen
                }
                None => trust
                    .keys()
                    .iter()
                    .map(|k| (k.name.clone(), k.key))
                    .collect(),
            };
            let want: String = fingerprint
                .chars()
                .filter(|c| !c.is_whitespace())
                .collect::<String>()
                .to_lowercase();
            if want.len() < 8 {
                bail!("指纹至少写 8 位（如 AB12 CD34），以免接受错了密钥。");
            }
            let matching: Vec<&(String, pingshen::identity::PublicKey)> = candidates
                .iter()
                .filter(|(n, k)| {
                    k.fingerprint()
                        .replace(' ', "")
                        .to_lowercase()
                        .starts_with(&want)
                        && name.as_ref().is_none_or(|x| x == n)
                })
                .collect();
            match matching.as_slice() {
                [] => bail!(
                    "没有找到指纹以 {fingerprint} 开头的密钥{}。第一次见到的密钥请用 --from 导出文件 指明文件。",
                    name.as_ref()
                        .map_or(String::new(), |n| format!("（姓名 {n}）"))
                ),
                [(n, k)] => {
                    trust.trust(n, *k);
                    trust.save()?;
                    outln!("已信任 {n} 的密钥 {}。", k.fingerprint());
                }
                many => bail!(
                    "指纹 {fingerprint} 对应多个密钥或姓名（{}），请写全指纹或加 --name。",
                    many.iter()
                        .map(|(n, k)| format!("{n} {}", k.fingerprint()))
                        .collect::<Vec<_>>()
                        .join("、")
                ),
            }
        }
        KeysAction::Revoke { fingerprint } => {
            let n = trust.revoke(&fingerprint);
            if n == 0 {
                bail!(
                    "没有找到指纹以 {fingerprint} 开头、尚未吊销的密钥（pingshen keys 列出全部）。"
                );
            }
            trust.save()?;
            outln!("已吊销 {n} 个密钥：之后用它签名的文件一律拒绝。");
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub fn verify(
    paths: &Paths,
    pdf: Option<&Path>,
    against: Option<&Path>,
) -> anyhow::Result<ExitCode> {
    if let Some(pdf) = pdf {
        return super::report::verify_pdf(paths, pdf, against);
    }
    if against.is_some() {
        bail!("--against 只用于核对报告 PDF：pingshen verify 报告.pdf --against 导出文件");
    }
    let store = paths.open_store()?;
    let report = store.verify()?;
    print_verify(&store, &report)?;
    Ok(if report.broken().next().is_some() {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

fn print_verify(_store: &Store, report: &pingshen::store::VerifyReport) -> anyhow::Result<()> {
    let total: u64 = report.inspections.iter().map(|v| v.entries).sum();
    let broken: Vec<_> = report.broken().collect();
    for v in &broken {
        outln!(
            "检查 {}{}：{}",
            v.inspection,
            if v.institution.is_empty() {
                String::new()
            } else {
                format!("（{}）", v.institution)
            },
            v.problem.as_deref().unwrap_or_default()
        );
    }
    let migrated: u64 = report.inspections.iter().map(|v| v.migrated).sum();
    outln!(
        "核对了 {} 个检查的 {total} 条记录：{}{}",
        report.inspections.len(),
        if broken.is_empty() {
            "链完整，签名全部相符。".to_string()
        } else {
            format!("{} 个检查的日志有问题（见上）。", broken.len())
        },
        if migrated > 0 {
            format!("其中 {migrated} 条是从旧版迁移的记录，没有签名。")
        } else {
            String::new()
        }
    );
    Ok(())
}
