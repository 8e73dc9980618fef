//! Opening a data dir: the lock, leftovers of killed processes, sled, the schema
//! version; and a read-only data dir, opened from a private copy.

use std::cell::Cell;
use std::collections::HashMap;
use std::fs::{self, File, OpenOptions, TryLockError};
use std::io::{ErrorKind, Read, Seek, Write};
use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::error::{Result, StoreError};
use super::{Store, schema};
use crate::identity::Identity;

/// How long to wait for sled's own file lock once the data dir's lock is ours: only a
/// process that is ending (or a child being started that has not yet let go of its
/// copy of our files) can hold it then.
const SLED_LOCK_WAIT: Duration = Duration::from_secs(5);

thread_local! {
    static OPENING_SLED: Cell<bool> = const { Cell::new(false) };
}

/// True while this thread is opening sled, whose 0.34 release panics on some damaged
/// files instead of returning an error. The binary's panic hook stays quiet then: the
/// panic is caught and reported as a damaged database. The hook itself is never
/// swapped, so no other thread's panic message is lost.
pub fn panic_is_expected() -> bool {
    OPENING_SLED.with(Cell::get)
}

impl Store {
    /// Opens (or creates) the data dir, signing what it writes with a throwaway key:
    /// for tests and tools. The app opens with the laptop's identity, [`Store::open_as`].
    pub fn open(dir: &Path) -> Result<Store> {
        Store::open_as(dir, Arc::new(Identity::throwaway("")))
    }

    /// Opens (or creates) the data dir; every entry it writes is signed with
    /// `identity`'s key. Refuses with [`StoreError::Locked`] when another pingshen
    /// has it, [`StoreError::TooNew`] when a newer pingshen wrote it. A database sled
    /// cannot open is moved aside and rebuilt from the journals (the user is told);
    /// without journals to rebuild from, [`StoreError::Unopenable`] points at
    /// `pingshen recover`. Backs up the journals changed since their last backup. A
    /// data dir that cannot be written is opened read-only (see [`Store::read_only`]).
    pub fn open_as(dir: &Path, identity: Arc<Identity>) -> Result<Store> {
        match acquire_lock(dir) {
            Ok(lock) => Store::open_locked(dir, lock, identity),
            Err(StoreError::DataDir { io, .. }) if is_read_only(&io) && dir.join("db").is_dir() => {
                Store::open_read_only(dir, io.to_string(), identity)
            }
            Err(e) => Err(e),
        }
    }

    /// Opens with the data dir's lock already held.
    pub(super) fn open_locked(dir: &Path, lock: File, identity: Arc<Identity>) -> Result<Store> {
        remove_leftovers(dir);
        super::compact::finish_or_undo(dir);
        let mark = dir.join(super::record::REBUILD_MARK);
        let asked = std::fs::read_to_string(&mark).ok();
        if let Some(why) = &asked
            && !super::journal::file::journal_ids(dir)
                .unwrap_or_default()
                .is_empty()
        {
            let aside = super::backup::move_db_aside(dir)?;
            let db = open_sled(&dir.join("db"), dir)?;
            let store = Store::assemble(dir, db, Some(lock), None, identity)?;
            store.rebuild_everything(&format!("上次发现数据库文件有损坏（{why}）"), aside)?;
            let _ = std::fs::remove_file(&mark);
            schema::check_and_migrate(&store)?;
            return Ok(store);
        }
        let mut note = None;
        let opened =
            open_sled(&dir.join("db"), dir).and_then(|db| super::compact::if_grown(dir, db));
        let (db, rebuilt) = match opened {
            Ok((db, failed)) => {
                note = failed;
                (db, None)
            }
            Err(StoreError::Unopenable { detail, .. })
                if !super::journal::file::journal_ids(dir)
                    .unwrap_or_default()
                    .is_empty() =>
            {
                let aside = super::backup::move_db_aside(dir)?;
                (open_sled(&dir.join("db"), dir)?, Some((detail, aside)))
            }
            Err(e) => return Err(e),
        };
        let store = Store::assemble(dir, db, Some(lock), None, identity)?;
        if let Some(note) = note {
            store.set_warning(note);
        }
        if let Some((detail, aside)) = rebuilt {
            store.rebuild_everything(&format!("数据库无法打开（{detail}）"), aside)?;
        }
        schema::check_and_migrate(&store)?;
        // A failed backup must not keep the inspector from their data; say it instead.
        if let Err(e) = store.backup_changed() {
            store.set_warning(format!("启动时的自动备份失败：{e}"));
        }
        Ok(store)
    }

    /// Opens a data dir that cannot be written: its database is copied to a private
    /// temporary dir and opened there, and every write is refused with a message.
    fn open_read_only(dir: &Path, why: String, identity: Arc<Identity>) -> Result<Store> {
        let lock = shared_lock(dir)?;
        let copy = std::env::temp_dir().join(format!(
            "pingshen-readonly-{}-{}",
            std::process::id(),
            chrono::Local::now().format("%Y%m%dT%H%M%S%.6f")
        ));
        let unopenable = |e: std::io::Error| StoreError::DataDir {
            dir: dir.to_path_buf(),
            io: e,
        };
        copy_dir(&dir.join("db"), &copy.join("db")).map_err(|e| {
            let _ = fs::remove_dir_all(&copy);
            unopenable(e)
        })?;
        let db = match open_sled(&copy.join("db"), dir) {
            Ok(db) => db,
            Err(e) => {
                let _ = fs::remove_dir_all(&copy);
                return Err(e);
            }
        };
        let store = Store::assemble(
            dir,
            db,
            lock,
            Some(super::ReadOnly {
                why,
                copy: copy.clone(),
            }),
            identity,
        )?;
        schema::check_readable(&store)?;
        Ok(store)
    }

    fn assemble(
        dir: &Path,
        db: sled::Db,
        lock: Option<File>,
        read_only: Option<super::ReadOnly>,
        identity: Arc<Identity>,
    ) -> Result<Store> {
        let tree = |name: &str| {
            db.open_tree(name).map_err(|e| StoreError::Unopenable {
                dir: dir.join("db"),
                detail: e.to_string(),
            })
        };
        Ok(Store {
            dir: dir.to_path_buf(),
            sheets: tree("sheets")?,
            conflicts: tree("conflicts")?,
            overviews: tree("overviews")?,
            results: tree("results")?,
            tails: tree("tails")?,
            meta: tree("meta")?,
            identity,
            db: std::mem::ManuallyDrop::new(db),
            poisoned: std::sync::atomic::AtomicBool::new(false),
            parsed: Mutex::new(HashMap::new()),
            warning: Mutex::new(None),
            healed: Mutex::new(Vec::new()),
            sheet: Mutex::new(None),
            register: Mutex::new(None),
            writing: Mutex::new(()),
            read_only,
            lock,
        })
    }
}

impl Store {
    /// Rebuilds the projection of every journal into this (fresh) database, and says
    /// so: `why` it was needed, where the old database went.
    fn rebuild_everything(&self, why: &str, aside: Option<PathBuf>) -> Result<()> {
        let (all, failed) = self.rebuild_every_journal();
        schema::write_version(self, schema::SCHEMA_VERSION)?;
        self.set_warning(format!(
            "{why}，已从 {} 个检查的日志重建{}{}。",
            all - failed.len(),
            aside.map_or(String::new(), |a| format!(
                "，原数据库移到 {}（保留）",
                a.display()
            )),
            if failed.is_empty() {
                String::new()
            } else {
                format!("；未能重建：{}", failed.join("；"))
            }
        ));
        Ok(())
    }
}

/// Permission denied or a read-only file system: the dir can be read, not written.
fn is_read_only(e: &std::io::Error) -> bool {
    matches!(
        e.kind(),
        ErrorKind::PermissionDenied | ErrorKind::ReadOnlyFilesystem
    ) || e.raw_os_error() == Some(30)
}

pub(super) fn acquire_lock(dir: &Path) -> Result<File> {
    let data_dir_err = |io| StoreError::DataDir {
        dir: dir.to_path_buf(),
        io,
    };
    fs::create_dir_all(dir).map_err(data_dir_err)?;
    let path = dir.join("pingshen.lock");
    let mut file = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(&path)
        .map_err(data_dir_err)?;
    match file.try_lock() {
        Ok(()) => {}
        Err(TryLockError::WouldBlock) => return Err(locked(dir, &mut file)),
        Err(TryLockError::Error(e)) => return Err(data_dir_err(e)),
    }
    // The pid is only a hint for the message above; failing to write it is harmless.
    let _ = file.set_len(0);
    let _ = file.rewind();
    let _ = write!(file, "{}", std::process::id());
    let _ = file.flush();
    Ok(file)
}

/// A shared lock on a read-only data dir's lock file, when it has one: a pingshen
/// writing there (with the lock held exclusively) keeps a reader out.
fn shared_lock(dir: &Path) -> Result<Option<File>> {
    let Ok(mut file) = File::open(dir.join("pingshen.lock")) else {
        return Ok(None);
    };
    match file.try_lock_shared() {
        Ok(()) => Ok(Some(file)),
        Err(TryLockError::WouldBlock) => Err(locked(dir, &mut file)),
        Err(TryLockError::Error(_)) => Ok(None),
    }
}

fn locked(dir: &Path, file: &mut File) -> StoreError {
    let mut pid = String::new();
    let _ = file.read_to_string(&mut pid);
    let pid = pid.trim();
    StoreError::Locked {
        dir: dir.to_path_buf(),
        holder: if pid.is_empty() || !pid.bytes().all(|b| b.is_ascii_digit()) {
            String::new()
        } else {
            format!("（进程号 {pid}）")
        },
    }
}

/// Temporary files that a killed pingshen left half-written (`.name.PID.tmp`, see
/// [`super::write_atomically`]). With the data dir's lock held no other pingshen is
/// writing here, so every such file is a leftover.
fn remove_leftovers(dir: &Path) {
    let dirs = [
        dir.to_path_buf(),
        dir.join("deleted"),
        dir.join("exports"),
        dir.join("reports"),
        dir.join("pinned"),
        super::evidence::evidence_dir(dir),
        super::backup::backups_dir(dir),
    ];
    for d in dirs {
        let Ok(entries) = fs::read_dir(&d) else {
            continue;
        };
        for entry in entries.filter_map(|e| e.ok()) {
            let name = entry.file_name();
            if is_temp_name(&name.to_string_lossy()) && entry.path().is_file() {
                let _ = fs::remove_file(entry.path());
            }
        }
    }
}

/// `.NAME.PID.tmp`, as [`super::write_atomically`] names its temporary files.
pub(super) fn is_temp_name(name: &str) -> bool {
    let Some(inner) = name.strip_prefix('.').and_then(|n| n.strip_suffix(".tmp")) else {
        return false;
    };
    inner.rsplit_once('.').is_some_and(|(base, pid)| {
        !base.is_empty() && !pid.is_empty() && pid.bytes().all(|b| b.is_ascii_digit())
    })
}

fn copy_dir(from: &Path, to: &Path) -> std::io::Result<()> {
    fs::create_dir_all(to)?;
    for entry in fs::read_dir(from)? {
        let entry = entry?;
        let target: PathBuf = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_dir(&entry.path(), &target)?;
        } else {
            fs::copy(entry.path(), target)?;
        }
    }
    Ok(())
}

/// Opens sled at `db_dir` (in data dir `dir`, for messages). sled 0.34 can panic
/// instead of returning an error on some damaged files; that panic is caught here
/// and turned into the same message as any other failure to open.
pub(super) fn open_sled(db_dir: &Path, dir: &Path) -> Result<sled::Db> {
    let unopenable = |detail: String| StoreError::Unopenable {
        dir: db_dir.to_path_buf(),
        detail,
    };
    let started = Instant::now();
    loop {
        OPENING_SLED.with(|q| q.set(true));
        let opened = panic::catch_unwind(AssertUnwindSafe(|| {
            sled::Config::new()
                .path(db_dir)
                .mode(sled::Mode::HighThroughput)
                .open()
        }));
        OPENING_SLED.with(|q| q.set(false));
        return match opened {
            Ok(Ok(db)) => Ok(db),
            Ok(Err(sled::Error::Io(e))) if e.to_string().contains("could not acquire lock") => {
                if started.elapsed() < SLED_LOCK_WAIT {
                    std::thread::sleep(Duration::from_millis(20));
                    continue;
                }
                Err(StoreError::Locked {
                    dir: dir.to_path_buf(),
                    holder: String::new(),
                })
            }
            Ok(Err(sled::Error::Io(e))) if is_disk_full(&e) => Err(StoreError::DiskFull {
                dir: dir.to_path_buf(),
                io: e,
            }),
            Ok(Err(sled::Error::Io(e))) => Err(StoreError::DataDir {
                dir: dir.to_path_buf(),
                io: e,
            }),
            Ok(Err(e)) => Err(unopenable(e.to_string())),
            Err(_) => Err(unopenable("数据库文件损坏，读取时出错".into())),
        };
    }
}

/// No space left, or a file-size limit reached: the disk, not the data, is the problem.
pub(super) fn is_disk_full(e: &std::io::Error) -> bool {
    matches!(
        e.kind(),
        std::io::ErrorKind::StorageFull | std::io::ErrorKind::FileTooLarge
    ) || matches!(e.raw_os_error(), Some(27) | Some(28))
}

#[cfg(test)]
mod tests {
    use super::is_temp_name;

    #[test]
    fn temp_names_are_only_those_write_atomically_makes() {
        assert!(is_temp_name(".20261201T101010.123456.json.4242.tmp"));
        assert!(is_temp_name(".检查.json.1.tmp"));
        assert!(!is_temp_name("20261201.json"));
        assert!(!is_temp_name(".json.tmp"));
        assert!(!is_temp_name(".a.json.12x.tmp"));
    }
}
