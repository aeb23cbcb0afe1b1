//! The few file operations the key file ([`crate::crypto::KeyStore`]) and the photo blobs
//! ([`crate::blobs::BlobStore`]) need, with one spelling for every target.
//!
//! * Native (desktop, Android, the CLI): plain files under the data directory, written
//!   atomically (temp file, fsync, rename, fsync of the directory).
//! * The browser (wasm32-unknown-unknown, in a dedicated worker): the browser has no file
//!   system that synchronous code can reach, except the files of the OPFS pool VFS
//!   ([`crate::web`]). Every "file" is a row of one SQLite database in that pool
//!   (`/pendata-files.sqlite3`), keyed by its full path; each write is one transaction
//!   (`synchronous=FULL`), so it is atomic and survives a killed browser like the store does.
//!   What is stored there is already sealed by the layer above (the PIN-wrapped key, the
//!   XChaCha20-Poly1305 blobs), exactly as on native; nothing is stored in clear.
//!
//! Errors keep `std::io::ErrorKind`s (`NotFound`, and `StorageFull` for a full quota) so the
//! layers above report them the same way on every target.

#[cfg(not(all(target_family = "wasm", target_os = "unknown")))]
pub(crate) use native::*;
#[cfg(all(target_family = "wasm", target_os = "unknown"))]
pub(crate) use opfs::*;

#[cfg(not(all(target_family = "wasm", target_os = "unknown")))]
mod native {
    use std::fs;
    use std::io::{self, Read, Write};
    use std::path::Path;

    use rand::rngs::OsRng;
    use rand::RngCore;

    pub(crate) fn create_dir_all(dir: &Path) -> io::Result<()> {
        fs::create_dir_all(dir)
    }

    pub(crate) fn read(path: &Path) -> io::Result<Vec<u8>> {
        fs::read(path)
    }

    /// The size of the file at `path`.
    pub(crate) fn len(path: &Path) -> io::Result<u64> {
        Ok(fs::metadata(path)?.len())
    }

    pub(crate) fn is_file(path: &Path) -> bool {
        path.is_file()
    }

    pub(crate) fn try_exists(path: &Path) -> io::Result<bool> {
        path.try_exists()
    }

    pub(crate) fn remove_file(path: &Path) -> io::Result<()> {
        fs::remove_file(path)
    }

    /// Writes `bytes` to `path` atomically: a fresh temp file in the same directory (mode 0600
    /// on Unix), fsync, rename over `path`, fsync of the directory. A crash leaves either the
    /// old or the new content, never a mix; a stray temp file may remain (named `.tmp-*`).
    pub(crate) fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
        write_atomic_with(path, |f| f.write_all(bytes))
    }

    /// [`write_atomic`] of what `fill` writes into the temp file.
    fn write_atomic_with(
        path: &Path,
        fill: impl FnOnce(&mut fs::File) -> io::Result<()>,
    ) -> io::Result<()> {
        let dir = path
            .parent()
            .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "path has no parent"))?;
        let mut suffix = [0u8; 8];
        OsRng
            .try_fill_bytes(&mut suffix)
            .map_err(|_| io::Error::other("random source failed"))?;
        let tmp = dir.join(format!(".tmp-{}", hex::encode(suffix)));
        let result = (|| {
            let mut opts = fs::OpenOptions::new();
            opts.write(true).create_new(true);
            #[cfg(unix)]
            {
                use std::os::unix::fs::OpenOptionsExt;
                opts.mode(0o600);
            }
            let mut f = opts.open(&tmp)?;
            fill(&mut f)?;
            f.sync_all()?;
            drop(f);
            fs::rename(&tmp, path)?;
            sync_dir(dir)
        })();
        if result.is_err() {
            let _ = fs::remove_file(&tmp);
        }
        result
    }

    /// The names of the files directly in `dir` (none when it does not exist); names that
    /// are not UTF-8 are skipped (the core writes none).
    pub(crate) fn list(dir: &Path) -> io::Result<Vec<String>> {
        let entries = match fs::read_dir(dir) {
            Ok(e) => e,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(e),
        };
        let mut names = Vec::new();
        for entry in entries {
            let entry = entry?;
            if entry.file_type()?.is_file() {
                if let Ok(name) = entry.file_name().into_string() {
                    names.push(name);
                }
            }
        }
        names.sort();
        Ok(names)
    }

    /// Runs `f` with the SQLite database file at `path` as it is on disk (still encrypted):
    /// its size and a reader of it. The caller has copied any write-ahead log back first
    /// (`Store::checkpoint`).
    pub(crate) fn with_db_reader<T, E: From<io::Error>>(
        path: &Path,
        f: impl FnOnce(u64, &mut dyn Read) -> Result<T, E>,
    ) -> Result<T, E> {
        let file = fs::File::open(path)?;
        let len = file.metadata()?.len();
        f(len, &mut io::BufReader::new(file).take(len))
    }

    /// Removes the database file at `path` and SQLite's files beside it (write-ahead log,
    /// shared memory, rollback journal): none may be left to be replayed into another
    /// database of that name. No connection may be open on it.
    pub(crate) fn remove_db(path: &Path) -> io::Result<()> {
        for suffix in ["-wal", "-shm", "-journal", ""] {
            let mut name = path.as_os_str().to_owned();
            name.push(suffix);
            match fs::remove_file(&name) {
                Ok(()) => {}
                Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }

    /// Puts the `len` bytes read from `data` as the database file at `path` (anything there
    /// before is removed, with its journals). No connection may be open on it.
    pub(crate) fn replace_db_from(path: &Path, len: u64, data: &mut dyn Read) -> io::Result<()> {
        remove_db(path)?;
        write_atomic_with(path, |f| {
            let copied = io::copy(&mut data.take(len), f)?;
            if copied == len {
                Ok(())
            } else {
                Err(io::Error::from(io::ErrorKind::UnexpectedEof))
            }
        })
    }

    /// Fsyncs a directory so a rename or unlink in it is durable (no-op where unsupported).
    pub(crate) fn sync_dir(dir: &Path) -> io::Result<()> {
        #[cfg(unix)]
        {
            fs::File::open(dir)?.sync_all()
        }
        #[cfg(not(unix))]
        {
            let _ = dir;
            Ok(())
        }
    }
}

#[cfg(all(target_family = "wasm", target_os = "unknown"))]
mod opfs {
    use std::cell::RefCell;
    use std::io::{self, Read};
    use std::path::Path;

    use rusqlite::{params, Connection, ErrorCode, OpenFlags, OptionalExtension};
    use sqlite_wasm_rs::vfs::transfer::{DbExport, DbTransfer, ExportSource};
    use sqlite_wasm_rs::vfs::VfsFilesManager;
    use sqlite_wasm_vfs::sahpool::OpfsSAHError;

    /// The database in the OPFS pool that holds every "file" (see the module docs).
    pub const FILES_DB: &str = "/pendata-files.sqlite3";

    thread_local! {
        // The worker is single-threaded; the connection lives as long as the worker.
        static FILES: RefCell<Option<Connection>> = const { RefCell::new(None) };
    }

    fn sql_err(e: rusqlite::Error) -> io::Error {
        match e.sqlite_error_code() {
            Some(ErrorCode::DiskFull) => io::Error::new(io::ErrorKind::StorageFull, e),
            _ => io::Error::other(e),
        }
    }

    fn open() -> rusqlite::Result<Connection> {
        let conn = Connection::open_with_flags_and_vfs(
            FILES_DB,
            OpenFlags::default(),
            crate::web::PLAIN_VFS,
        )?;
        // The pool VFS has no shared memory: a rollback journal, every commit flushed.
        conn.query_row("PRAGMA journal_mode = DELETE", [], |_| Ok(()))?;
        // Photos are written once and read whole, seldom twice: a small page cache (the
        // browser build's default is 16 MiB per connection, which writing a backup's photos
        // back would fill and keep in the worker's memory for good).
        conn.execute_batch(
            "PRAGMA cache_size = -2048;
             PRAGMA synchronous = FULL;
             CREATE TABLE IF NOT EXISTS files (
                 path  TEXT PRIMARY KEY NOT NULL,
                 bytes BLOB NOT NULL
             );",
        )?;
        Ok(conn)
    }

    fn with<T>(f: impl FnOnce(&Connection) -> rusqlite::Result<T>) -> io::Result<T> {
        FILES.with(|cell| {
            let mut slot = cell.borrow_mut();
            if slot.is_none() {
                *slot = Some(open().map_err(sql_err)?);
            }
            match slot.as_ref() {
                Some(conn) => f(conn).map_err(sql_err),
                None => Err(io::Error::other("files database not open")),
            }
        })
    }

    fn key(path: &Path) -> io::Result<&str> {
        path.to_str()
            .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "path is not UTF-8"))
    }

    fn not_found() -> io::Error {
        io::Error::from(io::ErrorKind::NotFound)
    }

    /// Directories are implied by the paths of their files.
    pub(crate) fn create_dir_all(_dir: &Path) -> io::Result<()> {
        Ok(())
    }

    pub(crate) fn read(path: &Path) -> io::Result<Vec<u8>> {
        let k = key(path)?;
        with(|c| {
            c.query_row("SELECT bytes FROM files WHERE path = ?1", [k], |r| r.get(0))
                .optional()
        })?
        .ok_or_else(not_found)
    }

    pub(crate) fn len(path: &Path) -> io::Result<u64> {
        let k = key(path)?;
        with(|c| {
            c.query_row(
                "SELECT length(bytes) FROM files WHERE path = ?1",
                [k],
                |r| r.get::<_, i64>(0),
            )
            .optional()
        })?
        .map(|n| u64::try_from(n).unwrap_or(0))
        .ok_or_else(not_found)
    }

    pub(crate) fn try_exists(path: &Path) -> io::Result<bool> {
        let k = key(path)?;
        with(|c| {
            c.query_row("SELECT 1 FROM files WHERE path = ?1", [k], |_| Ok(()))
                .optional()
        })
        .map(|row| row.is_some())
    }

    pub(crate) fn is_file(path: &Path) -> bool {
        try_exists(path).unwrap_or(false)
    }

    pub(crate) fn remove_file(path: &Path) -> io::Result<()> {
        let k = key(path)?;
        match with(|c| c.execute("DELETE FROM files WHERE path = ?1", [k]))? {
            0 => Err(not_found()),
            _ => Ok(()),
        }
    }

    /// One statement in its own transaction: the old content or the new, never a mix.
    pub(crate) fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
        let k = key(path)?;
        with(|c| {
            c.execute(
                "INSERT INTO files (path, bytes) VALUES (?1, ?2)
                 ON CONFLICT (path) DO UPDATE SET bytes = excluded.bytes",
                params![k, bytes],
            )
        })
        .map(|_| ())
    }

    /// The names of the "files" directly under `dir`.
    pub(crate) fn list(dir: &Path) -> io::Result<Vec<String>> {
        let prefix = format!("{}/", key(dir)?.trim_end_matches('/'));
        let paths: Vec<String> = with(|c| {
            let mut stmt = c.prepare(
                "SELECT path FROM files WHERE substr(path, 1, length(?1)) = ?1 ORDER BY path",
            )?;
            let rows = stmt.query_map([&prefix], |r| r.get(0))?;
            rows.collect()
        })?;
        Ok(paths
            .into_iter()
            .filter_map(|p| p.strip_prefix(&prefix).map(str::to_owned))
            .filter(|name| !name.is_empty() && !name.contains('/'))
            .collect())
    }

    /// Runs `f` with the store's database file in the OPFS pool as it is stored (still
    /// encrypted): its size and a reader of it, read from the pool's file piece by piece.
    /// With the rollback journal every commit is in the file; the pool exports only a file
    /// that no connection holds open.
    pub(crate) fn with_db_reader<T, E: From<io::Error>>(
        path: &Path,
        f: impl FnOnce(u64, &mut dyn Read) -> Result<T, E>,
    ) -> Result<T, E> {
        let k = key(path)?;
        crate::web::with_pool_util(|pool| {
            let export = pool.begin_export(k).map_err(pool_err)?;
            let len = export.size();
            f(len, &mut Export(export))
        })
    }

    /// The pool's export as a reader.
    struct Export<S: ExportSource<Error = OpfsSAHError>>(DbExport<S>);

    impl<S: ExportSource<Error = OpfsSAHError>> Read for Export<S> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            self.0.read(buf).map_err(pool_err)
        }
    }

    fn pool_err(e: OpfsSAHError) -> io::Error {
        io::Error::other(e.to_string())
    }

    /// Removes the database file at `path` from the pool, with its rollback journal (a
    /// journal left behind would be replayed into the next database of that name). No
    /// connection may be open on it.
    pub(crate) fn remove_db(path: &Path) -> io::Result<()> {
        let k = key(path)?;
        let journal = format!("{k}-journal");
        crate::web::with_pool(|pool| {
            pool.remove(&journal)?;
            pool.remove(k)?;
            Ok(())
        })
    }

    /// Puts the `len` bytes read from `data` as the database file at `path` (anything there
    /// before is removed), written into the pool piece by piece and published whole at the
    /// end. The bytes are an encrypted database, so SQLite's header check is skipped.
    pub(crate) fn replace_db_from(path: &Path, len: u64, data: &mut dyn Read) -> io::Result<()> {
        remove_db(path)?;
        let k = key(path)?;
        crate::web::with_pool_util(|pool| {
            let mut import = pool.begin_import_unchecked(k, len).map_err(pool_err)?;
            let mut buf = vec![0u8; crate::backup::format::CHUNK];
            let mut left = len;
            while left > 0 {
                let want = buf.len().min(usize::try_from(left).unwrap_or(usize::MAX));
                let got = data.read(&mut buf[..want])?;
                if got == 0 {
                    let _ = import.abort();
                    return Err(io::Error::from(io::ErrorKind::UnexpectedEof));
                }
                // A failed write makes the import refuse to finish (it is then dropped).
                import.write(&buf[..got]).map_err(pool_err)?;
                left -= got as u64;
            }
            import.finish().map_err(pool_err)
        })
    }

    /// Every write is already durable when it returns.
    pub(crate) fn sync_dir(_dir: &Path) -> io::Result<()> {
        Ok(())
    }
}
