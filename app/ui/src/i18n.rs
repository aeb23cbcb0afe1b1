//! Every people-facing string of the app, in one place: Bahasa Indonesia first, English second.
//!
//! Field labels of the questionnaire live beside the fields (`form.rs`) because they come in
//! (Indonesian, English) pairs with each field; code-list labels come from `pendata-shared`.

use pendata_shared::Lang;

/// (key, Bahasa Indonesia, English).
const STRINGS: &[(&str, &str, &str)] = &[
    (
        "app.subtitle",
        "Pendataan rumah tangga DTKS/DTSEN",
        "DTKS/DTSEN household survey",
    ),
    ("busy", "Sedang bekerja…", "Working…"),
    (
        "busy.waiting_sync",
        "Menunggu sinkronisasi selesai…",
        "Waiting for the sync to finish…"
    ),
    ("busy.cancel_wait", "Batalkan", "Cancel"),
    ("back", "Kembali", "Back"),
    ("save", "Simpan", "Save"),
    // unlock and enrol
    ("unlock.title", "Buka dengan PIN", "Unlock with PIN"),
    ("unlock.pin", "PIN", "PIN"),
    ("unlock.button", "Buka", "Unlock"),
    ("unlock.wrong_pin", "PIN salah", "Wrong PIN"),
    (
        "enrol.title",
        "Daftarkan perangkat ini",
        "Enrol this device",
    ),
    ("enrol.server", "Alamat server", "Server address"),
    ("enrol.username", "Nama pengguna", "Username"),
    ("enrol.password", "Kata sandi", "Password"),
    (
        "enrol.pin",
        "PIN baru (minimal 6 angka)",
        "New PIN (at least 6 digits)",
    ),
    ("enrol.pin2", "Ulangi PIN", "Repeat the PIN"),
    ("enrol.button", "Daftarkan", "Enrol"),
    (
        "enrol.pin_short",
        "PIN minimal 6 angka",
        "The PIN needs at least 6 digits",
    ),
    (
        "enrol.pin_mismatch",
        "Kedua PIN tidak sama",
        "The two PINs differ",
    ),
    (
        "enrol.fields_missing",
        "Isi alamat server, nama pengguna dan kata sandi",
        "Fill in the server address, username and password",
    ),
    // navigation
    ("nav.home", "Beranda", "Home"),
    ("nav.list", "Daftar kerja", "Work list"),
    ("nav.sync", "Sinkronisasi", "Sync"),
    ("nav.settings", "Pengaturan", "Settings"),
    // home
    ("home.title", "Ringkasan", "Overview"),
    ("home.unsent", "Belum terkirim", "Not sent yet"),
    ("home.last_sync", "Sinkronisasi terakhir", "Last sync"),
    ("home.never", "belum pernah", "never"),
    ("home.assignments", "Prelist di daftar kerja", "Prelist on the work list"),
    ("home.sync_now", "Sinkronkan sekarang", "Sync now"),
    // work list
    ("list.title", "Daftar kerja", "Work list"),
    (
        "list.search",
        "Cari nama, NIK, KK, alamat",
        "Search name, NIK, KK, address",
    ),
    ("list.all_states", "Semua status", "All states"),
    ("list.all_desa", "Semua desa", "All desa"),
    (
        "list.prelist",
        "Prelist belum dibuka",
        "Prelist not opened yet",
    ),
    ("list.households", "Rumah tangga", "Households"),
    ("list.open", "Buka", "Open"),
    ("list.prev", "‹ Sebelumnya", "‹ Previous"),
    ("list.next", "Berikutnya ›", "Next ›"),
    ("list.page", "Halaman", "Page"),
    ("list.empty", "Tidak ada data", "Nothing here"),
    (
        "list.no_head_name",
        "(nama kepala rumah tangga belum diisi)",
        "(head of household not entered yet)",
    ),
    ("list.members", "ART", "members"),
    // DTSEN ground check (screens/ground_check/, screens/revisits.rs)
    ("process.ground_check", "Ground check DTSEN", "DTSEN ground check"),
    ("process.verivali", "Verivali DTKS", "DTKS verivali"),
    ("visit.step.outcome", "Hasil kunjungan", "Visit outcome"),
    ("visit.step.housing", "Keluarga & rumah", "Family & housing"),
    ("visit.step.members", "Anggota", "Members"),
    ("visit.step.assets", "Program & aset", "Programmes & assets"),
    (
        "visit.add_member",
        "Tambah anggota baru (404 = 5)",
        "Add a new member (404 = 5)",
    ),
    (
        "visit.report_queued",
        "Laporan kunjungan dikirim saat sinkronisasi berikutnya.",
        "The visit report goes at the next sync.",
    ),
    (
        "visit.report_blocked",
        "Laporan kunjungan belum bisa dikirim, perbaiki dulu",
        "The visit report cannot be sent yet; fix first",
    ),
    (
        "visit.report_state",
        "Laporan kunjungan (tidak ada orang) dikirim ke Dinsos; belum final: catat hasilnya pada kunjungan berikutnya.",
        "Visit report (nobody home) sent to the Dinsos; not final: record the outcome at the next visit.",
    ),
    ("visit.listed", "Keluarga menurut daftar", "The family as listed"),
    ("visit.kk", "Nomor KK", "KK number"),
    ("visit.address", "Alamat", "Address"),
    ("visit.building", "Nomor bangunan", "Building number"),
    ("visit.outcome", "Hasil ground check", "Ground-check outcome"),
    ("visit.outcome_now", "Hasil tercatat", "Recorded outcome"),
    (
        "visit.members",
        "Anggota keluarga dan keberadaannya (404)",
        "Members and their presence (404)",
    ),
    ("visit.nobody_home_title", "Tidak ada orang di rumah", "Nobody home"),
    (
        "visit.nobody_home_help",
        "Keluarga masuk daftar Kunjungi lagi; semua yang sudah diisi tetap tersimpan.",
        "The family goes on the revisit list; everything already filled stays saved.",
    ),
    (
        "visit.nobody_home_note",
        "Catatan kunjungan (tidak wajib)",
        "Visit note (optional)",
    ),
    (
        "visit.nobody_home",
        "Tidak ada orang — kunjungi lagi",
        "Nobody home — visit again",
    ),
    (
        "visit.family_block",
        "Keterangan keluarga (Blok I-II)",
        "The family (Blocks I-II)",
    ),
    ("visit.housing_block", "Perumahan (Blok III)", "Housing (Block III)"),
    (
        "visit.assets_block",
        "Program, aset, internet, rekening (Blok V)",
        "Programmes, assets, internet, bank account (Block V)",
    ),
    ("revisit.title", "Kunjungi lagi", "Visit again"),
    ("revisit.list_title", "Kunjungi lagi", "Revisit list"),
    ("revisit.attempts", "Kunjungan tanpa penghuni", "Nobody home"),
    ("revisit.last", "terakhir", "last"),
    ("revisit.next", "berikutnya mulai", "next from"),
    (
        "revisit.used_up",
        "batas kunjungan habis: boleh ditutup sebagai tidak ditemukan",
        "attempts used up: may be closed as not found",
    ),
    ("revisit.due_now", "sudah waktunya dikunjungi", "due now"),
    (
        "revisit.help",
        "Keluarga yang tidak ada orang saat dikunjungi. Buka untuk mencatat kunjungan berikutnya.",
        "Families nobody was home at. Open one to record the next visit.",
    ),
    (
        "revisit.empty",
        "Tidak ada keluarga yang perlu dikunjungi lagi",
        "No family waits for another visit",
    ),
    // form
    ("step.location", "Lokasi", "Location"),
    ("step.status", "Status verivali", "Verivali status"),
    ("step.housing", "Perumahan", "Housing"),
    ("step.assets", "Aset & program", "Assets & programmes"),
    ("step.members", "Anggota", "Members"),
    // cases (usul-sanggah, PBI-JK reactivation, graduasi PKH)
    ("case.step.finding", "Temuan", "Finding"),
    (
        "case.not_a_case",
        "Rekaman ini bukan kasus",
        "This record is not a case",
    ),
    ("case.due", "Batas waktu", "Due"),
    ("case.overdue", "lewat batas waktu", "overdue"),
    ("case.nik", "NIK", "NIK"),
    ("case.kk", "No. KK", "KK number"),
    ("case.submitted_by", "Diajukan oleh", "Submitted by"),
    ("case.channel", "Saluran", "Channel"),
    ("case.programme", "Program", "Programme"),
    ("case.reason_given", "Alasan pengaju", "Reason given"),
    ("case.evidence", "Bukti yang dilampirkan", "Evidence attached"),
    ("case.verdict", "Hasil verifikasi", "Verdict"),
    ("case.reason", "Alasan tidak layak", "Reason (not eligible)"),
    ("case.note", "Catatan", "Note"),
    (
        "case.emergency",
        "Darurat: perlu perawatan segera",
        "Emergency: needs care now",
    ),
    ("case.deactivated_on", "Dinonaktifkan", "Deactivated on"),
    ("case.operator_note", "Catatan operator", "Operator's note"),
    ("case.graduation_type", "Jenis graduasi", "Graduation type"),
    (
        "case.graduation_reason",
        "Alasan graduasi",
        "Reason for graduation",
    ),
    ("case.assessment", "Catatan penilaian", "Assessment note"),
    (
        "case.proposed_type",
        "Usulan supervisor",
        "Supervisor's proposal",
    ),
    ("case.components", "Komponen PKH", "PKH components"),
    ("case.pkh_since", "Menerima PKH sejak", "On PKH since"),
    ("case.photos_hint", "Foto bukti", "Evidence photos"),
    ("case.gps_hint", "Lokasi rumah (wajib)", "House position (required)"),
    ("step.photos", "Foto", "Photos"),
    ("step.review", "Periksa & final", "Review & finalize"),
    ("form.saved", "Tersimpan otomatis", "Saved automatically"),
    ("form.saved_at", "Tersimpan", "Saved"),
    ("form.saving", "Menyimpan…", "Saving…"),
    (
        "form.save_failed",
        "Gagal menyimpan: isian tetap di formulir, coba lagi",
        "Not saved: your answer stays in the form, try again",
    ),
    (
        "form.save_refused",
        "Belum tersimpan: periksa isian yang ditandai",
        "Not saved: check the marked answer",
    ),
    ("form.choose", "— pilih —", "— choose —"),
    ("form.not_saved", "Belum tersimpan", "Not saved"),
    ("form.state", "Status", "State"),
    ("form.desa", "Desa/kelurahan", "Desa/kelurahan"),
    ("form.review_note", "Catatan pengawas", "Supervisor's note"),
    ("member.add", "Tambah anggota", "Add member"),
    ("member.new_name", "Nama anggota baru", "New member's name"),
    ("member.edit", "Ubah", "Edit"),
    ("member.remove", "Hapus", "Remove"),
    (
        "member.close",
        "Tutup formulir anggota",
        "Close the member form",
    ),
    ("gps.title", "Lokasi GPS rumah", "House GPS position"),
    ("gps.take", "Ambil GPS", "Get GPS"),
    ("gps.lat", "Lintang", "Latitude"),
    ("gps.lon", "Bujur", "Longitude"),
    (
        "gps.manual_save",
        "Simpan koordinat manual",
        "Save typed coordinates",
    ),
    (
        "gps.from_photo",
        "Pakai posisi dari foto (EXIF)",
        "Use the photo's position (EXIF)",
    ),
    ("gps.none", "Belum ada lokasi", "No position yet"),
    (
        "gps.unavailable",
        "GPS tidak tersedia di sini; isi manual atau pakai posisi foto",
        "GPS is not available here; type it or use a photo's position",
    ),
    (
        "gps.bad_number",
        "Koordinat harus berupa angka",
        "Coordinates must be numbers",
    ),
    ("gps.source.gps", "GPS perangkat", "device GPS"),
    ("gps.source.manual", "diisi manual", "typed in"),
    ("gps.source.photo_exif", "dari EXIF foto", "from photo EXIF"),
    ("photo.take", "Ambil foto", "Take photo"),
    ("photo.retake", "Ulangi foto", "Retake"),
    ("photo.view", "Lihat", "View"),
    ("photo.close", "Tutup", "Close"),
    ("photo.missing", "belum ada", "missing"),
    ("photo.optional", "(opsional)", "(optional)"),
    (
        "review.errors",
        "Kesalahan (harus diperbaiki)",
        "Errors (must be fixed)",
    ),
    (
        "review.warnings",
        "Peringatan (perlu dikonfirmasi)",
        "Warnings (need confirming)",
    ),
    ("review.none", "Tidak ada temuan", "No findings"),
    ("review.finalize", "Finalisasi", "Finalize"),
    (
        "review.confirm",
        "Saya sudah memeriksa peringatan: finalisasi",
        "I have checked the warnings: finalize",
    ),
    (
        "review.blocked",
        "Belum bisa final: perbaiki kesalahan di atas",
        "Cannot be final yet: fix the errors above",
    ),
    (
        "review.done",
        "Rumah tangga sudah final dan akan dikirim saat sinkronisasi",
        "The household is final and will be sent at the next sync",
    ),
    (
        "review.reopen",
        "Buka kembali untuk diubah",
        "Reopen to edit",
    ),
    // sync
    ("sync.title", "Sinkronisasi", "Sync"),
    ("sync.start", "Mulai sinkronisasi", "Start sync"),
    ("sync.phase.photos", "Mengirim foto", "Sending photos"),
    ("sync.phase.push", "Mengirim data", "Sending records"),
    ("sync.phase.pull", "Mengambil data", "Fetching updates"),
    ("sync.phase.listing", "Menyusun daftar kerja…", "Building the work list…"),
    ("sync.listing", "rumah tangga prelist masuk daftar kerja", "prelist households join the work list"),
    ("sync.phase.done", "Selesai", "Done"),
    ("sync.items", "item", "items"),
    ("sync.bytes", "bita", "bytes"),
    ("sync.sent", "terkirim", "sent"),
    ("sync.photos_uploaded", "foto terunggah", "photos uploaded"),
    ("sync.pulled", "data diterima", "items received"),
    (
        "sync.reoffered",
        "Server dipulihkan dari cadangan; data yang pernah diterimanya dikirim ulang",
        "The server was restored from a backup; records it had accepted were sent again",
    ),
    ("sync.problems", "Masalah", "Problems"),
    (
        "sync.rejected",
        "Ditolak pengawas",
        "Rejected by the supervisor",
    ),
    ("sync.fix", "Perbaiki", "Fix"),
    (
        "sync.conflict",
        "Konflik dengan data di server",
        "Conflict with the server's data",
    ),
    ("sync.refused", "Ditolak server", "Refused by the server"),
    (
        "sync.needs_photo",
        "Tidak dikirim, perlu foto ulang",
        "Not sent, photo retake needed",
    ),
    ("sync.finished", "Sinkronisasi selesai", "Sync finished"),
    // settings
    ("settings.title", "Pengaturan", "Settings"),
    ("settings.language", "Bahasa", "Language"),
    ("settings.server", "Server", "Server"),
    ("settings.user", "Pengguna", "User"),
    ("settings.change_pin", "Ganti PIN", "Change PIN"),
    ("settings.old_pin", "PIN lama", "Old PIN"),
    ("settings.new_pin", "PIN baru", "New PIN"),
    (
        "settings.pin_changed",
        "PIN sudah diganti",
        "The PIN was changed",
    ),
    ("settings.about", "Tentang", "About"),
    ("settings.version", "Versi", "Version"),
    ("settings.data_dir", "Folder data", "Data folder"),
    ("settings.data_size", "Ukuran data", "Data size"),
    ("settings.lock", "Kunci aplikasi", "Lock the app"),
    // backup and restore (backup.rs)
    ("backup.title", "Cadangan data", "Data backup"),
    (
        "backup.explain",
        "Seluruh data dan foto di perangkat ini dalam satu berkas, tetap terkunci dengan PIN. Simpan di tempat lain (kartu memori, komputer kantor): bila data peramban terhapus, data belum terkirim bisa dipulihkan dari berkas ini.",
        "All data and photos on this device in one file, still locked by the PIN. Keep it somewhere else (a memory card, the office computer): if the browser's data is cleared, unsent work can be restored from it.",
    ),
    ("backup.button", "Cadangkan data", "Back up data"),
    ("backup.made", "Cadangan dibuat", "Backup made"),
    ("backup.saved_to", "Cadangan disimpan di", "Backup saved to"),
    ("backup.restore", "Pulihkan dari cadangan", "Restore from a backup"),
    (
        "backup.restore_explain",
        "Memulihkan mengganti data di perangkat ini dengan isi berkas cadangan; ditolak bila masih ada data belum terkirim. Sesudahnya buka dengan PIN dari cadangan itu.",
        "Restoring replaces the data on this device with the backup's; refused while anything is unsent. Afterwards unlock with the PIN of that backup.",
    ),
    (
        "backup.restored",
        "Data dipulihkan. Buka dengan PIN dari cadangan itu",
        "Data restored. Unlock with the PIN of that backup",
    ),
    (
        "backup.unreadable",
        "Berkas cadangan tidak dapat dibaca dari perangkat",
        "The backup file could not be read from the device",
    ),
    // logout (session.rs)
    ("logout.button", "Keluar dari akun", "Log out"),
    (
        "logout.unsent",
        "data belum terkirim",
        "records not sent yet",
    ),
    ("logout.drafts", "di antaranya draf", "of them drafts"),
    ("logout.photos", "foto", "photos"),
    (
        "logout.kept",
        "Keluar tidak menghapus apa pun: semua data tetap di perangkat ini (terkunci dengan PIN) dan dikirim setelah masuk lagi.",
        "Logging out deletes nothing: all data stays on this device (locked by the PIN) and is sent after the next login.",
    ),
    ("logout.confirm", "Ya, keluar", "Yes, log out"),
    ("logout.cancel", "Batal", "Cancel"),
    (
        "logout.done",
        "Sudah keluar. Data tetap di perangkat ini; masuk lagi untuk mengirimnya",
        "Logged out. The data stays on this device; log in again to send it",
    ),
    (
        "logout.failed_revoke",
        "Token tidak dapat dicabut di server (tidak ada sinyal?); token dihapus dari perangkat. Minta admin mereset perangkat ini",
        "The token could not be revoked on the server (no signal?); it was removed here. Ask an administrator to reset this device",
    ),
    ("login.title", "Masuk lagi", "Log in again"),
    (
        "relogin.explain",
        "Server tidak menerima sesi ini lagi. Masukkan kata sandi untuk masuk lagi; semua data yang belum terkirim tetap di perangkat ini dan langsung dikirim.",
        "The server no longer accepts this session. Enter the password to log in again; all unsent data stays on this device and is sent right away.",
    ),
    ("relogin.as", "Masuk sebagai", "Log in as"),
    (
        "relogin.done",
        "Sudah masuk lagi; mengirim data…",
        "Logged in again; sending the data…",
    ),
    // usulan baru (new proposal)
    ("proposal.new", "+ Tambah usulan baru", "+ New proposal"),
    (
        "proposal.explain",
        "Rumah tangga baru yang disepakati musdes/muskel (usulan baru). Pilih desa/kelurahannya:",
        "A new household agreed by the village meeting (usulan baru). Choose its desa/kelurahan:",
    ),
    ("proposal.create", "Buat usulan baru", "Create the proposal"),
    ("proposal.cancel", "Batal", "Cancel"),
    (
        "proposal.no_desa",
        "Akun ini tidak terikat ke satu kecamatan, jadi usulan baru tidak bisa dibuat di HP ini. Hubungi admin.",
        "This account is not tied to one kecamatan, so no proposal can be made on this device. Ask the administrator.",
    ),
    (
        "proposal.desa_required",
        "Pilih desa/kelurahan di wilayah Anda",
        "Choose a desa/kelurahan of your area",
    ),
    (
        "proposal.created",
        "Usulan baru dibuat dan tersimpan di HP: isi formulirnya",
        "The new proposal is saved on this device: fill in the form",
    ),
    ("proposal.tag", "usulan baru", "new proposal"),
    (
        "proposal.musdes",
        "Musdes/muskel yang menyepakati",
        "Village meeting that agreed it",
    ),
    // deleting an unsent draft
    ("delete.title", "Hapus dari HP", "Delete from this device"),
    ("delete.button", "Hapus draf ini", "Delete this draft"),
    (
        "delete.confirm",
        "Hapus rumah tangga ini beserta fotonya dari HP? Ini tidak bisa dibatalkan.",
        "Delete this household and its photos from the device? This cannot be undone.",
    ),
    ("delete.yes", "Ya, hapus", "Yes, delete"),
    ("delete.no", "Batal", "Cancel"),
    (
        "delete.prelist",
        "Rumah tangga prelist tidak bisa dihapus: ini tugas dari server. Jika tidak ditemukan atau ganda, isi Status verivali (2 Tidak ditemukan / 3 Ganda), finalisasi, lalu kirim.",
        "A prelist household cannot be deleted: it is an assignment from the server. If it was not found or is a duplicate, say so in the verivali status (2 not found / 3 duplicate), finalize and send it.",
    ),
    (
        "delete.sent",
        "Sudah dikirim (atau sedang antre kirim) ke server, jadi tidak bisa dihapus dari HP. Jika salah, minta pengawas menolaknya.",
        "Already sent (or queued for sending) to the server, so it cannot be deleted from the device. If it is wrong, ask the supervisor to reject it.",
    ),
    ("delete.done", "Draf dihapus dari HP", "The draft was deleted from the device"),
    // server reachability
    ("conn.title", "Koneksi ke server", "Server connection"),
    ("conn.unknown", "belum diperiksa", "not checked yet"),
    ("conn.checking", "memeriksa…", "checking…"),
    (
        "conn.online",
        "Terhubung: server terjangkau",
        "Online: the server answers",
    ),
    (
        "conn.offline",
        "Tidak ada sinyal / server tidak terjangkau",
        "No signal / server unreachable",
    ),
    ("conn.check", "Cek koneksi", "Check connection"),
    ("conn.checked_at", "diperiksa pukul", "checked at"),
    (
        "sync.offline",
        "Tidak ada sinyal / server tidak terjangkau — data aman di HP, coba lagi nanti",
        "No signal / server unreachable — your data is safe on this device, try again later",
    ),
    ("sync.waiting", "Menunggu dikirim", "Waiting to be sent"),
    ("sync.waiting_records", "rumah tangga final", "final households"),
    ("sync.waiting_photos", "foto", "photos"),
    (
        "sync.waiting_drafts",
        "draf belum final (tidak ikut dikirim)",
        "drafts not final yet (not sent)",
    ),
    // work list totals and messages
    ("list.matches", "cocok", "matching"),
    ("msg.dismiss", "Tutup pesan", "Dismiss"),
    // row lists: families, businesses, dependents
    ("rows.families", "Keluarga (KK)", "Families (KK)"),
    ("rows.businesses", "Usaha milik ART", "Members' businesses"),
    (
        "rows.dependents",
        "Anak dalam tanggungan",
        "Children in the household's care",
    ),
    ("rows.add", "Tambah baris", "Add a row"),
    ("rows.remove", "Hapus baris", "Remove the row"),
    ("rows.dependent_member", "Anggota", "Member"),
    ("rows.no_cards", "Tidak punya", "None"),
    // photos on the phone (the web app)
    ("photo.take_camera", "Ambil foto", "Take photo"),
    ("photo.retake_camera", "Ambil ulang", "Retake"),
    ("photo.from_gallery", "Pilih dari galeri", "Pick from the gallery"),
    (
        "photo.too_large",
        "Berkas foto terlalu besar (lebih dari 40 MB): ambil ulang dengan kamera HP",
        "The photo file is too large (over 40 MB): take it again with the phone camera",
    ),
    (
        "photo.unreadable",
        "Berkas foto tidak bisa dibaca: coba ambil ulang",
        "The photo file cannot be read: try taking it again",
    ),
    // the web app: its worker, new versions, storage, backups
    (
        "web.worker_failed",
        "Layanan aplikasi tidak bisa berjalan di peramban ini: muat ulang halaman, dan pakai Chrome terbaru",
        "The app's service cannot run in this browser: reload the page, and use a recent Chrome",
    ),
    ("update.available", "Versi baru tersedia", "A new version is available"),
    ("update.reload", "Muat ulang", "Reload"),
    (
        "update.waiting",
        "Menunggu isian tersimpan…",
        "Waiting until your answers are saved…",
    ),
    ("settings.storage", "Penyimpanan HP", "Phone storage"),
    (
        "install.title",
        "Pasang di HP: \"Tambahkan ke layar utama\"",
        "Install on the phone: \"Add to Home screen\"",
    ),
    (
        "install.step1",
        "Buka alamat ini di Chrome saat di kantor (ada sinyal atau Wi-Fi).",
        "Open this address in Chrome at the office (with signal or Wi-Fi).",
    ),
    (
        "install.step2",
        "Ketuk menu ⋮ (kanan atas), lalu \"Tambahkan ke layar utama\" (atau \"Instal aplikasi\"), lalu \"Tambahkan\".",
        "Tap the ⋮ menu (top right), then \"Add to Home screen\" (or \"Install app\"), then \"Add\".",
    ),
    (
        "install.step3",
        "Buka Pendata dari ikonnya dan daftarkan perangkat di sini. Setelah itu Pendata terbuka juga tanpa sinyal.",
        "Open Pendata from its icon and enrol here. From then on Pendata opens without signal too.",
    ),
    ("settings.storage_used", "Terpakai", "Used"),
    ("settings.storage_free", "Masih tersedia", "Still available"),
    (
        "settings.storage_low",
        "Penyimpanan hampir penuh: kirim data (Sinkronkan) lalu hapus berkas lain di HP",
        "Storage is almost full: send the data (Sync), then remove other files from the phone",
    ),
    (
        "settings.persisted",
        "Data dilindungi dari penghapusan otomatis oleh peramban",
        "The browser will not remove this data on its own",
    ),
    (
        "settings.not_persisted",
        "Peramban boleh menghapus data ini bila penyimpanan penuh: pasang aplikasi ke layar utama",
        "The browser may remove this data when storage runs out: add the app to the home screen",
    ),
    (
        "case.decision",
        "Keputusan / catatan Dinsos",
        "The Dinsos's decision / note",
    ),
    ("facts.desil", "Desil", "Desil"),
    ("facts.desil_rank", "peringkat BPS, SIKS-NG", "BPS ranking, SIKS-NG"),
    ("facts.desil_import", "impor Dinsos", "Dinsos import of"),
    (
        "facts.desil_none",
        "belum ada di data desil Dinsos",
        "not in the Dinsos's desil data yet",
    ),
    ("facts.pkh", "Komponen PKH", "PKH components"),
    ("facts.pkh_none", "tidak ada komponen PKH", "no PKH component"),
];

/// The text of `key` in `lang`; an unknown key shows itself (and a test lists none).
pub fn tr(lang: Lang, key: &str) -> &'static str {
    match STRINGS.iter().find(|(k, _, _)| *k == key) {
        Some((_, id, en)) => match lang {
            Lang::Id => id,
            Lang::En => en,
        },
        None => {
            tracing_unknown(key);
            "?"
        }
    }
}

fn tracing_unknown(key: &str) {
    // Keys are compile-time names, never personal data.
    eprintln!("pendata-app: missing text for {key}");
}

/// Whether every key is unique and has both languages (used by the tests).
pub fn table_is_complete() -> bool {
    let mut keys: Vec<&str> = STRINGS.iter().map(|(k, _, _)| *k).collect();
    keys.sort_unstable();
    let n = keys.len();
    keys.dedup();
    keys.len() == n
        && STRINGS
            .iter()
            .all(|(_, id, en)| !id.is_empty() && !en.is_empty())
}

/// A pair of (Indonesian, English) picked by language.
pub fn pick<'a>(lang: Lang, pair: (&'a str, &'a str)) -> &'a str {
    match lang {
        Lang::Id => pair.0,
        Lang::En => pair.1,
    }
}
