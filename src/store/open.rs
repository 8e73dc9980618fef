//! Opening a data dir: the lock, sled, the schema version.

use std::collections::HashMap;
use std::fs::{self, File, OpenOptions, TryLockError};
use std::io::{Read, Seek, Write};
use std::panic::{self, AssertUnwindSafe};
use std::path::Path;
use std::sync::Mutex;

use super::error::{Result, StoreError};
use super::{Store, schema};

impl Store {
    /// Opens (or creates) the data dir. Refuses with [`StoreError::Locked`] when
    /// another pingshen has it, [`StoreError::Unopenable`] when sled cannot open its
    /// files (then `pingshen recover` is the way out), [`StoreError::TooNew`] when a
    /// newer pingshen wrote it. Takes a backup when anything changed since the last one.
    pub fn open(dir: &Path) -> Result<Store> {
        Store::open_locked(dir, acquire_lock(dir)?)
    }

    /// Opens with the data dir's lock already held.
    pub(super) fn open_locked(dir: &Path, lock: File) -> Result<Store> {
        let db = open_sled(dir)?;
        let tree = |name: &str| {
            db.open_tree(name).map_err(|e| StoreError::Unopenable {
                dir: dir.join("db"),
                detail: e.to_string(),
            })
        };
        let store = Store {
            dir: dir.to_path_buf(),
            inspections: tree("inspections")?,
            assessments: tree("assessments")?,
            history: tree("history")?,
            checklists: tree("checklists")?,
            conflicts: tree("conflicts")?,
            meta: tree("meta")?,
            db: std::mem::ManuallyDrop::new(db),
            poisoned: std::sync::atomic::AtomicBool::new(false),
            parsed: Mutex::new(HashMap::new()),
            warning: Mutex::new(None),
            _lock: lock,
        };
        schema::check_and_migrate(&store)?;
        // A failed backup must not keep the inspector from their data; say it instead.
        if let Err(e) = store.backup_changed() {
            store.set_warning(format!("启动时的自动备份失败：{e}"));
        }
        Ok(store)
    }
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
        Err(TryLockError::WouldBlock) => {
            let mut pid = String::new();
            let _ = file.read_to_string(&mut pid);
            let pid = pid.trim();
            return Err(StoreError::Locked {
                dir: dir.to_path_buf(),
                holder: if pid.is_empty() {
                    String::new()
                } else {
                    format!("（进程号 {pid}）")
                },
            });
        }
        Err(TryLockError::Error(e)) => return Err(data_dir_err(e)),
    }
    // The pid is only a hint for the message above; failing to write it is harmless.
    let _ = file.set_len(0);
    let _ = file.rewind();
    let _ = write!(file, "{}", std::process::id());
    let _ = file.flush();
    Ok(file)
}

/// sled 0.34 can panic instead of returning an error on some damaged files; that
/// panic is caught here and turned into the same message as any other failure to open.
pub(super) fn open_sled(dir: &Path) -> Result<sled::Db> {
    let db_dir = dir.join("db");
    let unopenable = |detail: String| StoreError::Unopenable {
        dir: db_dir.clone(),
        detail,
    };
    let previous_hook = panic::take_hook();
    panic::set_hook(Box::new(|_| {}));
    let opened = panic::catch_unwind(AssertUnwindSafe(|| {
        sled::Config::new()
            .path(&db_dir)
            .mode(sled::Mode::HighThroughput)
            .open()
    }));
    panic::set_hook(previous_hook);
    match opened {
        Ok(Ok(db)) => Ok(db),
        Ok(Err(sled::Error::Io(e))) if e.to_string().contains("could not acquire lock") => {
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
    }
}

/// No space left, or a file-size limit reached: the disk, not the data, is the problem.
pub(super) fn is_disk_full(e: &std::io::Error) -> bool {
    matches!(
        e.kind(),
        std::io::ErrorKind::StorageFull | std::io::ErrorKind::FileTooLarge
    ) || matches!(e.raw_os_error(), Some(27) | Some(28))
}
