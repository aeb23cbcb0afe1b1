//! The Regsosek2022K code lists, GENERATED from assets/dtsen/dtsen-codes.tsv by
//! `cargo run -p pendata-shared --example gen_dtsen_codes`. Do not edit by hand: edit the
//! TSV or the generator, rerun it, and the `dtsen_codes::` test checks the result.
//!
//! Codes follow the paper form where OpenSID's enum differs (305, 306b, 308; see
//! [`super::opensid`]). Labels are as in the TSV; English labels lose their final editorial
//! note, which stays in the variant's documentation.

use crate::codes::code_list;
use crate::dtsen::mask::code_mask;
use crate::text::Text;
use crate::codes::CodeList;
use crate::dtsen::mask::CodeMask;

pub use crate::codes::{Sex, YesNo};

code_list! {
    /// 115: Kode Kartu Keluarga.
    KkCode, "regsosek2022k.115" {
        AsListed = 0, "KK sesuai", "KK as listed (unchanged)";
        Parent = 1, "Keluarga induk", "Parent family";
        SplitOff = 2, "Keluarga pecahan", "Split-off family";
    }
}

code_list! {
    /// 205: Hasil pendataan keluarga.
    EnumerationResult, "regsosek2022k.205" {
        Complete = 1, "Terisi lengkap", "Fully completed";
        /// Note: Blok VI catatan required.
        Partial = 2, "Terisi tidak lengkap", "Partly completed";
        /// Note: catatan required.
        NoRespondent = 3, "Tidak ada responden yang dapat memberi jawaban sampai akhir masa pendataan", "No respondent able to answer by the end of fieldwork";
        /// Note: catatan required.
        Refused = 4, "Responden menolak", "Respondent refused";
        /// Note: catatan required.
        MovedOrGone = 5, "Keluarga pindah/bangunan sensus sudah tidak ada", "Family moved / census building no longer exists";
    }
}

code_list! {
    /// 206: Status kesejahteraan (OpenSID DTSEN field, not on REGSOSEK22-K).
    WelfareStatus, "regsosek2022k.206" {
        Poor = 1, "Miskin", "Poor";
        NotPoor = 2, "Tidak miskin", "Not poor";
    }
}

code_list! {
    /// 207: Peringkat kesejahteraan keluarga / desil (OpenSID DTSEN field, not on REGSOSEK22-K).
    WelfareDecile, "regsosek2022k.207" {
        Decile1 = 1, "Desil 1", "Decile 1 (poorest 10%)";
        Decile2 = 2, "Desil 2", "Decile 2";
        Decile3 = 3, "Desil 3", "Decile 3";
        Decile4 = 4, "Desil 4", "Decile 4";
        Decile5 = 5, "Desil 5", "Decile 5";
        Decile6 = 6, "Desil 6", "Decile 6";
        Decile7 = 7, "Desil 7", "Decile 7";
        Decile8 = 8, "Desil 8", "Decile 8";
        Decile9 = 9, "Desil 9", "Decile 9";
        Decile10 = 10, "Desil 10", "Decile 10 (richest 10%)";
    }
}

code_list! {
    /// 301a: Status penguasaan bangunan tempat tinggal yang ditempati.
    Tenure, "regsosek2022k.301a" {
        Owned = 1, "Milik sendiri", "Owned";
        Rented = 2, "Kontrak/sewa", "Contract/rented";
        RentFree = 3, "Bebas sewa", "Rent-free";
        Official = 4, "Dinas", "Official/employer housing";
        Other = 5, "Lainnya", "Other";
        /// Note: OpenSID DTSEN addition; not on paper form.
        LodgingOrJoint = 6, "Menumpang & kepemilikan bersama", "Lodging with others / joint ownership";
    }
}

code_list! {
    /// 301b: Jenis bukti kepemilikan tanah bangunan tempat tinggal (jika 301a=1).
    LandTitle, "regsosek2022k.301b" {
        ShmFamily = 1, "SHM atas nama anggota keluarga", "Freehold title (SHM) in a family member's name";
        ShmOtherWithAgreement = 2, "SHM bukan a.n. anggota keluarga dengan perjanjian pemanfaatan tertulis", "SHM in another's name, with a written use agreement";
        ShmOtherWithoutAgreement = 3, "SHM bukan a.n. anggota keluarga tanpa perjanjian pemanfaatan tertulis", "SHM in another's name, without a written agreement";
        OtherCertificate = 4, "Sertifikat selain SHM (SHGB, SHSRS)", "Certificate other than SHM (building-use right, strata title)";
        OtherProof = 5, "Surat bukti lainnya (Girik, Letter C, dll)", "Other proof (girik, Letter C, etc.)";
        None = 6, "Tidak punya", "None";
    }
}

code_list! {
    /// 303: Jenis lantai terluas.
    Floor, "regsosek2022k.303" {
        MarbleGranite = 1, "Marmer/granit", "Marble/granite";
        CeramicTile = 2, "Keramik", "Ceramic tile";
        ParquetVinylCarpet = 3, "Parket/vinil/karpet", "Parquet/vinyl/carpet";
        TileTerrazzo = 4, "Ubin/tegel/teraso", "Tile/terrazzo";
        WoodPlanks = 5, "Kayu/papan", "Wood/planks";
        CementRedBrick = 6, "Semen/bata merah", "Cement/red brick";
        Bamboo = 7, "Bambu", "Bamboo";
        Earth = 8, "Tanah", "Earth";
        Other = 9, "Lainnya", "Other";
    }
}

code_list! {
    /// 304: Jenis dinding terluas.
    Wall, "regsosek2022k.304" {
        Masonry = 1, "Tembok", "Masonry wall";
        PlasteredWovenBamboo = 2, "Plesteran anyaman bambu/kawat", "Plastered woven bamboo/wire";
        WoodBoard = 3, "Kayu/papan/gypsum/GRC/calciboard", "Wood/board/gypsum/fibre-cement board";
        WovenBamboo = 4, "Anyaman bambu", "Woven bamboo";
        Logs = 5, "Batang kayu", "Logs";
        Bamboo = 6, "Bambu", "Bamboo";
        Other = 7, "Lainnya", "Other";
    }
}

code_list! {
    /// 305: Jenis atap terluas.
    Roof, "regsosek2022k.305" {
        Concrete = 1, "Beton", "Concrete";
        RoofTiles = 2, "Genteng", "Roof tiles";
        Zinc = 3, "Seng", "Zinc/corrugated metal";
        Asbestos = 4, "Asbes", "Asbestos";
        /// Note: OpenSID enum stores this as 6.
        Bamboo = 5, "Bambu", "Bamboo";
        /// Note: OpenSID enum stores this as 5.
        WoodShingles = 6, "Kayu/sirap", "Wood/shingles";
        Thatch = 7, "Jerami/ijuk/daun-daunan/rumbia", "Straw/palm fibre/leaves/thatch";
        Other = 8, "Lainnya", "Other";
    }
}

code_list! {
    /// 306a: Sumber air minum.
    DrinkingWater, "regsosek2022k.306a" {
        BrandedBottledWater = 1, "Air kemasan bermerk", "Branded bottled water";
        RefillWater = 2, "Air isi ulang", "Refill water";
        PipedWater = 3, "Leding", "Piped water";
        BoreholePumpWell = 4, "Sumur bor/pompa", "Borehole/pump well";
        ProtectedWell = 5, "Sumur terlindung", "Protected well";
        UnprotectedWell = 6, "Sumur tak terlindung", "Unprotected well";
        ProtectedSpring = 7, "Mata air terlindung", "Protected spring";
        UnprotectedSpring = 8, "Mata air tak terlindung", "Unprotected spring";
        SurfaceWater = 9, "Air permukaan (sungai/danau/waduk/kolam/irigasi)", "Surface water (river/lake/reservoir/pond/irrigation)";
        Rainwater = 10, "Air hujan", "Rainwater";
        Other = 11, "Lainnya", "Other";
        /// Note: OpenSID DTSEN addition.
        Pdam = 12, "Air PDAM", "Municipal utility (PDAM) water";
        /// Note: OpenSID DTSEN addition.
        VillageScheme = 13, "PAMDES/PAMSIMAS", "Village/community water scheme";
    }
}

code_list! {
    /// 306b: Jarak sumber air minum utama ke tempat penampungan limbah/kotoran/tinja terdekat (jika 306a=4..8).
    WaterWasteDistance, "regsosek2022k.306b" {
        Under10m = 1, "< 10 meter", "Less than 10 m";
        AtLeast10m = 2, ">= 10 meter", "10 m or more";
        /// Note: OpenSID enum stores this as 3.
        DontKnow = 8, "Tidak tahu", "Don't know";
    }
}

code_list! {
    /// 307a: Sumber penerangan utama.
    Lighting, "regsosek2022k.307a" {
        PlnMetered = 1, "Listrik PLN dengan meteran", "PLN electricity with meter";
        PlnUnmetered = 2, "Listrik PLN tanpa meteran", "PLN electricity without meter";
        NonPln = 3, "Listrik non-PLN", "Non-PLN electricity";
        NotElectric = 4, "Bukan listrik", "Not electricity";
    }
}

code_list! {
    /// 307b1, 307b2, 307b3: Daya terpasang meteran 1 (jika 307a=1).
    MeterPower, "regsosek2022k.307b1" {
        W450 = 1, "450 watt", "450 W";
        W900 = 2, "900 watt", "900 W";
        W1300 = 3, "1.300 watt", "1,300 W";
        W2200 = 4, "2.200 watt", "2,200 W";
        Above2200 = 5, "> 2.200 watt", "Over 2,200 W";
    }
}

code_list! {
    /// 308: Bahan bakar/energi utama untuk memasak.
    CookingFuel, "regsosek2022k.308" {
        /// Note: printed 00; OpenSID enum stores this as 12.
        NoCooking = 0, "Tidak memasak di rumah", "Does not cook at home";
        Electricity = 1, "Listrik", "Electricity";
        Lpg5kg = 2, "Gas elpiji 5,5 kg/blue gaz", "LPG 5.5 kg / Bright Gas";
        Lpg12kg = 3, "Gas elpiji 12 kg", "LPG 12 kg";
        Lpg3kg = 4, "Gas elpiji 3 kg", "LPG 3 kg (subsidised)";
        CityGas = 5, "Gas kota/meteran PGN", "Piped city gas (PGN meter)";
        Biogas = 6, "Biogas", "Biogas";
        Kerosene = 7, "Minyak tanah", "Kerosene";
        Briquettes = 8, "Briket", "Briquettes";
        Charcoal = 9, "Arang", "Charcoal";
        Firewood = 10, "Kayu bakar", "Firewood";
        Other = 11, "Lainnya", "Other";
    }
}

code_list! {
    /// 309a: Kepemilikan dan penggunaan fasilitas tempat buang air besar.
    ToiletUse, "regsosek2022k.309a" {
        OwnFamily = 1, "Ada, digunakan hanya anggota keluarga sendiri", "Yes, used only by this family";
        SharedHouseholds = 2, "Ada, digunakan bersama anggota keluarga dari rumah tangga tertentu", "Yes, shared with specific other households";
        Communal = 3, "Ada, di MCK komunal", "Yes, communal facility";
        Public = 4, "Ada, di MCK umum/siapapun menggunakan", "Yes, public facility open to anyone";
        NotUsed = 5, "Ada, anggota keluarga tidak menggunakan", "Exists but the family does not use it";
        None = 6, "Tidak ada fasilitas", "No facility";
    }
}

code_list! {
    /// 309b: Jenis kloset (jika 309a=1..3).
    ToiletType, "regsosek2022k.309b" {
        Gooseneck = 1, "Leher angsa", "Gooseneck (water seal)";
        SlabWithLid = 2, "Plengsengan dengan tutup", "Slab/pour latrine with lid";
        SlabWithoutLid = 3, "Plengsengan tanpa tutup", "Slab/pour latrine without lid";
        PitLatrine = 4, "Cemplung/cubluk", "Pit latrine";
    }
}

code_list! {
    /// 310: Tempat pembuangan akhir tinja.
    SewageDisposal, "regsosek2022k.310" {
        SepticTank = 1, "Tangki septik", "Septic tank";
        TreatmentPlant = 2, "IPAL", "Wastewater treatment plant";
        OpenWater = 3, "Kolam/sawah/sungai/danau/laut", "Pond/rice field/river/lake/sea";
        PitInGround = 4, "Lubang tanah", "Pit in the ground";
        OpenLand = 5, "Pantai/tanah lapang/kebun", "Beach/open field/garden";
        Other = 6, "Lainnya", "Other";
    }
}

code_list! {
    /// 404: Keterangan keberadaan anggota keluarga.
    Presence, "regsosek2022k.404" {
        Living = 1, "Tinggal bersama keluarga", "Lives with the family";
        Deceased = 2, "Meninggal", "Deceased";
        MovedInIndonesia = 3, "Tidak tinggal bersama keluarga/pindah ke wilayah (daerah) lain di Indonesia", "No longer lives with family / moved elsewhere in Indonesia";
        MovedAbroad = 4, "Tidak tinggal bersama keluarga/pindah ke luar negeri", "No longer lives with family / moved abroad";
        NewMember = 5, "Anggota keluarga baru", "New family member";
        NotFound = 6, "Tidak ditemukan", "Not found";
    }
}

// 405: `crate::codes::Sex` (same codes and labels).

code_list! {
    /// 408: Status perkawinan.
    MaritalStatus, "regsosek2022k.408" {
        NeverMarried = 1, "Belum kawin", "Never married";
        Married = 2, "Kawin/nikah", "Married";
        Divorced = 3, "Cerai hidup", "Divorced";
        Widowed = 4, "Cerai mati", "Widowed";
    }
}

code_list! {
    /// 409: Status hubungan dengan kepala keluarga.
    Relation, "regsosek2022k.409" {
        Head = 1, "Kepala keluarga", "Head of family (KK)";
        Spouse = 2, "Istri/suami", "Wife/husband";
        Child = 3, "Anak", "Child";
        ChildInLaw = 4, "Menantu", "Child-in-law";
        Grandchild = 5, "Cucu", "Grandchild";
        ParentOrInLaw = 6, "Orang tua/mertua", "Parent/parent-in-law";
        DomesticWorker = 7, "Pembantu/sopir", "Domestic worker/driver";
        Other = 8, "Lainnya", "Other";
    }
}

// 410, 416a, 419a, 420a, 501a, 501b, 501c, 501d, 501e, 501f, 501g, 502a, 502b, 502c, 502d, 502e, 502f, 502g, 502h, 502i, 502j, 502k, 502l, 502m, 502n, 503a, 503b: `crate::codes::YesNo` (same codes and labels).

code_mask! {
    /// 411: Kartu identitas yang dimiliki (jumlahkan kode; bitmask).
    IdentityDocs, "411",
    none = "Tidak memiliki", "None";
    sentinel = ;
    bits {
        BIRTH_CERTIFICATE = 1, "Akta kelahiran", "Birth certificate";
        KIA = 2, "KIA", "Child identity card (KIA)";
        KTP = 4, "KTP", "Adult identity card (KTP)";
    }
}

code_list! {
    /// 412: Partisipasi sekolah (usia 5+).
    SchoolParticipation, "regsosek2022k.412" {
        Never = 1, "Tidak/belum pernah sekolah", "Never attended school";
        Attending = 2, "Masih sekolah", "Currently attending";
        NoLonger = 3, "Tidak bersekolah lagi", "No longer attending";
    }
}

code_list! {
    /// 413: Jenjang dan jenis pendidikan tertinggi yang pernah/sedang diduduki (jika 412=2,3).
    EducationLevel, "regsosek2022k.413" {
        PaketA = 1, "Paket A", "Paket A (primary equivalency)";
        SpecialNeedsPrimary = 2, "SDLB", "Special-needs primary";
        PrimarySchool = 3, "SD", "Primary school";
        IslamicPrimary = 4, "MI", "Islamic primary (madrasah)";
        PesantrenUla = 5, "SPM/PDF Ula", "Pesantren equivalency, primary level";
        PaketB = 6, "Paket B", "Paket B (lower-secondary equivalency)";
        SpecialNeedsLower = 7, "SMP LB", "Special-needs lower secondary";
        LowerSecondary = 8, "SMP", "Lower secondary";
        IslamicLowerSecondary = 9, "MTs", "Islamic lower secondary";
        PesantrenWustha = 10, "SPM/PDF Wustha", "Pesantren equivalency, lower-secondary level";
        PaketC = 11, "Paket C", "Paket C (upper-secondary equivalency)";
        SpecialNeedsUpper = 12, "SMLB", "Special-needs upper secondary";
        GeneralUpperSecondary = 13, "SMA", "General upper secondary";
        IslamicUpperSecondary = 14, "MA", "Islamic upper secondary";
        VocationalUpperSecondary = 15, "SMK", "Vocational upper secondary";
        IslamicVocationalUpper = 16, "MAK", "Islamic vocational upper secondary";
        PesantrenUlya = 17, "SPM/PDF Ulya", "Pesantren equivalency, upper-secondary level";
        D1D3 = 18, "D1/D2/D3", "Diploma 1-3";
        D4S1 = 19, "D4/S1", "Diploma 4 / bachelor";
        Profession = 20, "Profesi", "Professional degree";
        Master = 21, "S2", "Master";
        Doctorate = 22, "S3", "Doctorate";
    }
}

code_list! {
    /// 414: Kelas tertinggi yang pernah/sedang diduduki (jika 412=2,3).
    HighestGrade, "regsosek2022k.414" {
        Grade1 = 1, "1", "Grade 1";
        Grade2 = 2, "2", "Grade 2";
        Grade3 = 3, "3", "Grade 3";
        Grade4 = 4, "4", "Grade 4";
        Grade5 = 5, "5", "Grade 5";
        Grade6 = 6, "6", "Grade 6";
        Grade7 = 7, "7", "Grade 7";
        Graduated = 8, "8 (Tamat & lulus)", "Completed and graduated";
    }
}

code_list! {
    /// 415: Ijazah/STTB tertinggi yang dimiliki (jika 412=2,3).
    Diploma, "regsosek2022k.415" {
        PaketA = 1, "Paket A", "Paket A (primary equivalency)";
        SpecialNeedsPrimary = 2, "SDLB", "Special-needs primary";
        PrimarySchool = 3, "SD", "Primary school";
        IslamicPrimary = 4, "MI", "Islamic primary (madrasah)";
        PesantrenUla = 5, "SPM/PDF Ula", "Pesantren equivalency, primary level";
        PaketB = 6, "Paket B", "Paket B (lower-secondary equivalency)";
        SpecialNeedsLower = 7, "SMP LB", "Special-needs lower secondary";
        LowerSecondary = 8, "SMP", "Lower secondary";
        IslamicLowerSecondary = 9, "MTs", "Islamic lower secondary";
        PesantrenWustha = 10, "SPM/PDF Wustha", "Pesantren equivalency, lower-secondary level";
        PaketC = 11, "Paket C", "Paket C (upper-secondary equivalency)";
        SpecialNeedsUpper = 12, "SMLB", "Special-needs upper secondary";
        GeneralUpperSecondary = 13, "SMA", "General upper secondary";
        IslamicUpperSecondary = 14, "MA", "Islamic upper secondary";
        VocationalUpperSecondary = 15, "SMK", "Vocational upper secondary";
        IslamicVocationalUpper = 16, "MAK", "Islamic vocational upper secondary";
        PesantrenUlya = 17, "SPM/PDF Ulya", "Pesantren equivalency, upper-secondary level";
        D1D3 = 18, "D1/D2/D3", "Diploma 1-3";
        D4S1 = 19, "D4/S1", "Diploma 4 / bachelor";
        Profession = 20, "Profesi", "Professional degree";
        Master = 21, "S2", "Master";
        Doctorate = 22, "S3", "Doctorate";
        NoPrimaryCertificate = 23, "Tidak punya ijazah SD", "No primary-school certificate";
    }
}

code_list! {
    /// 417, 421: Lapangan usaha dari pekerjaan utama (jika 416a=1; kode diisi PML).
    Sector, "regsosek2022k.417" {
        FoodCrops = 1, "Pertanian tanaman padi & palawija", "Rice and secondary food crops";
        Horticulture = 2, "Hortikultura", "Horticulture";
        Plantation = 3, "Perkebunan", "Estate/plantation crops";
        Fisheries = 4, "Perikanan", "Fisheries";
        Livestock = 5, "Peternakan", "Livestock";
        ForestryOther = 6, "Kehutanan & pertanian lainnya", "Forestry and other agriculture";
        Mining = 7, "Pertambangan/penggalian", "Mining/quarrying";
        Manufacturing = 8, "Industri pengolahan", "Manufacturing";
        Energy = 9, "Pengadaan listrik, gas, uap/air panas, & udara dingin", "Electricity, gas, steam and air-conditioning supply";
        WaterWaste = 10, "Pengelolaan air, pengelolaan air limbah, pengelolaan dan daur ulang sampah, dan aktivitas remediasi", "Water supply, sewerage, waste management and remediation";
        Construction = 11, "Konstruksi", "Construction";
        Trade = 12, "Perdagangan besar dan eceran, reparasi dan perawatan mobil dan sepeda motor", "Wholesale and retail trade; motor-vehicle repair";
        Transport = 13, "Pengangkutan dan pergudangan", "Transport and storage";
        Hospitality = 14, "Penyediaan akomodasi & makan minum", "Accommodation and food service";
        Communication = 15, "Informasi & komunikasi", "Information and communication";
        FinanceAndInsurance = 16, "Keuangan & asuransi", "Finance and insurance";
        RealEstate = 17, "Real estate", "Real estate";
        Professional = 18, "Aktivitas profesional, ilmiah, dan teknis", "Professional, scientific and technical activities";
        BusinessSupport = 19, "Aktivitas penyewaan dan sewa guna tanpa hak opsi, ketenagakerjaan, agen perjalanan, dan penunjang usaha lainnya", "Rental/leasing, employment, travel agency and business support";
        PublicAdministration = 20, "Administrasi pemerintahan, pertahanan, dan jaminan sosial wajib", "Public administration, defence, compulsory social security";
        Education = 21, "Pendidikan", "Education";
        HealthSocial = 22, "Aktivitas kesehatan manusia dan aktivitas sosial", "Human health and social work";
        Arts = 23, "Kesenian, hiburan, dan rekreasi", "Arts, entertainment and recreation";
        OtherServices = 24, "Aktivitas jasa lainnya", "Other service activities";
        HouseholdEmployers = 25, "Aktivitas keluarga sebagai pemberi kerja", "Households as employers";
        Extraterritorial = 26, "Aktivitas badan internasional dan badan ekstra internasional lainnya", "Extraterritorial organisations";
    }
}

code_list! {
    /// 418: Status/kedudukan dalam pekerjaan utama (jika 416a=1).
    EmploymentStatus, "regsosek2022k.418" {
        OwnAccountWorker = 1, "Berusaha sendiri", "Own-account worker";
        WithTemporaryWorkers = 2, "Berusaha dibantu buruh tidak tetap/tidak dibayar", "Employer with temporary/unpaid workers";
        WithPermanentWorkers = 3, "Berusaha dibantu buruh tetap/dibayar", "Employer with permanent/paid workers";
        PrivateSectorEmployee = 4, "Buruh/karyawan/pegawai swasta", "Private-sector employee";
        /// Note: newest OpenSID label says ASN instead of PNS.
        CivilServant = 5, "PNS/TNI/Polri/BUMN/BUMD/pejabat negara", "Civil servant/military/police/state-owned enterprise/state official";
        CasualAgriculturalWorker = 6, "Pekerja bebas pertanian", "Casual agricultural worker";
        CasualNonAgricultural = 7, "Pekerja bebas non-pertanian", "Casual non-agricultural worker";
        UnpaidFamilyWorker = 8, "Pekerja keluarga/tidak dibayar", "Unpaid family worker";
    }
}

code_list! {
    /// 419: Memiliki NPWP (usia 5+).
    Npwp, "regsosek2022k.419" {
        Shown = 1, "Ada, dapat menunjukkan", "Has a tax number (NPWP) and can show it";
        NotShown = 2, "Ada, tidak dapat menunjukkan", "Has one but cannot show it";
        None = 3, "Tidak ada", "None";
    }
}

code_list! {
    /// 419b: Pendapatan sebulan terakhir (OpenSID DTSEN field, not on REGSOSEK22-K).
    IncomeBracket, "regsosek2022k.419b" {
        Under1m = 1, "< 1 juta per bulan", "Under Rp1 million per month";
        From1mToUmk = 2, "> 1 jt per bulan - < UMK", "Rp1 million to below the district minimum wage (UMK)";
        UmkTo10m = 3, "> UMK - 10 jt per bulan", "UMK to Rp10 million per month";
        Over10m = 4, "> 10 jt per bulan", "Over Rp10 million per month";
    }
}

code_list! {
    /// 424: Kepemilikan perizinan usaha utama (jika 420a=1).
    BusinessPermit, "regsosek2022k.424" {
        Situ = 1, "Surat Izin Tempat Usaha (SITU)", "Business location permit";
        Siup = 2, "Surat Izin Usaha Perdagangan (SIUP)", "Trading business licence";
        Nrp = 3, "Nomor Registrasi Perusahaan (NRP)", "Company registration number";
        Nib = 4, "Nomor Induk Berusaha (NIB)", "Business identification number";
        Skdp = 5, "Surat Keterangan Domisili Perusahaan (SKDP)", "Company domicile letter";
        Amdal = 6, "Analisis Mengenai Dampak Lingkungan (Amdal)", "Environmental impact assessment";
        Simb = 7, "Surat Izin Mendirikan Bangunan (SIMB)", "Building permit";
        Skbh = 8, "Surat Keputusan Badan Hukum (SKBH)", "Legal-entity decree";
        Appt = 9, "Akta Pendirian Perseroan Terbatas (APPT)", "Limited-company deed of establishment";
        OtherPermit = 10, "Surat izin lainnya", "Other permit";
        NoPermitYet = 11, "Belum memiliki izin usaha", "No business permit yet";
        NuisancePermit = 12, "Surat Izin Gangguan", "Nuisance (HO) permit";
    }
}

code_list! {
    /// 425: Omzet usaha utama per bulan (jika 420a=1).
    Turnover, "regsosek2022k.425" {
        Under5m = 1, "< 5 juta (ultra mikro)", "Under Rp5 million (ultra-micro)";
        From5mTo15m = 2, "5 - < 15 juta (ultra mikro)", "Rp5-<15 million (ultra-micro)";
        From15mTo25m = 3, "15 - < 25 juta (ultra mikro)", "Rp15-<25 million (ultra-micro)";
        From25mTo167m = 4, "25 - < 167 juta (mikro)", "Rp25-<167 million (micro)";
        From167mTo1250m = 5, "167 - < 1.250 juta (kecil)", "Rp167-<1,250 million (small)";
        From1250mTo4167m = 6, "1.250 - < 4.167 juta (menengah)", "Rp1,250-<4,167 million (medium)";
        From4167m = 7, ">= 4.167 juta (besar)", "Rp4,167 million or more (large)";
    }
}

code_mask! {
    /// 426: Penggunaan internet dalam kegiatan usaha utama (jumlahkan kode; bitmask; jika 420a=1).
    BusinessInternetUse, "426",
    none = "Tidak menggunakan internet", "No internet use";
    sentinel = ;
    bits {
        COMMUNICATION = 1, "Sebagai sarana komunikasi", "Communication";
        INFORMATION = 2, "Untuk mencari informasi", "Finding information";
        MARKETING = 4, "Sebagai pemasaran/iklan", "Marketing/advertising";
        SELLING = 8, "Sebagai sarana penjualan produk/output", "Selling products/output";
        PURCHASING = 16, "Sebagai pembelian dan/atau produksi", "Purchasing and/or production";
        OTHER = 32, "Lainnya", "Other";
    }
}

code_list! {
    /// 427: Kondisi gizi anak dari pemeriksaan 3 bulan terakhir (usia 0-4).
    Nutrition, "regsosek2022k.427" {
        Wasting = 1, "Kurang gizi (wasting)", "Wasting";
        Stunting = 2, "Kerdil (stunting)", "Stunting";
        NoRecord = 3, "Tidak ada catatan", "No record";
        DontKnow = 8, "Tidak tahu", "Don't know";
    }
}

code_list! {
    /// 428a, 428b, 428c, 428d, 428e, 428f, 428g, 428h, 428i: Kesulitan/gangguan penglihatan meskipun memakai alat bantu (usia 2+).
    Difficulty, "regsosek2022k.428a" {
        Cannot = 1, "Ya, sama sekali tidak bisa", "Yes, cannot do it at all";
        ALot = 2, "Ya, banyak kesulitan dan membutuhkan bantuan", "Yes, a lot of difficulty, needs help";
        Some = 3, "Ya, sedikit kesulitan, tapi tidak membutuhkan bantuan", "Yes, some difficulty, no help needed";
        None = 4, "Tidak mengalami kesulitan", "No difficulty";
    }
}

code_list! {
    /// 428j: Seberapa sering mengalami gangguan kesedihan/depresi (usia 5+).
    DepressionFrequency, "regsosek2022k.428j" {
        VeryOften = 1, "Sangat sering", "Very often";
        Often = 2, "Sering", "Often";
        Rarely = 3, "Jarang", "Rarely";
        Never = 4, "Tidak pernah", "Never";
    }
}

code_list! {
    /// 429: Memiliki caregiver/pemberi rawat/pengasuh/wali (usia 60+ atau 428a-j berkode 1/2).
    Caregiver, "regsosek2022k.429" {
        FamilyMember = 1, "Ya, anggota keluarga", "Yes, a family member";
        NotFamilyMember = 2, "Ya, bukan anggota keluarga", "Yes, not a family member";
        /// Note: label as in source.
        LivesAlone = 3, "Ya, tinggal sendiri", "Yes, lives alone";
    }
}

code_list! {
    /// 430: Keluhan kesehatan kronis/menahun.
    ChronicIllness, "regsosek2022k.430" {
        None = 1, "Tidak ada", "None";
        Hypertension = 2, "Hipertensi (darah tinggi)", "Hypertension";
        Rheumatism = 3, "Rematik", "Rheumatism";
        Asthma = 4, "Asma", "Asthma";
        HeartProblems = 5, "Masalah jantung", "Heart problems";
        Diabetes = 6, "Diabetes (kencing manis)", "Diabetes";
        Tuberculosis = 7, "Tuberculosis (TBC)", "Tuberculosis";
        Stroke = 8, "Stroke", "Stroke";
        Cancer = 9, "Kanker atau tumor ganas", "Cancer or malignant tumour";
        KidneyFailure = 10, "Gagal ginjal", "Kidney failure";
        Haemophilia = 11, "Haemophilia", "Haemophilia";
        HivAids = 12, "HIV/AIDS", "HIV/AIDS";
        Cholesterol = 13, "Kolesterol", "High cholesterol";
        LiverCirrhosis = 14, "Sirosis hati", "Liver cirrhosis";
        Thalassaemia = 15, "Thalasemia", "Thalassaemia";
        Leukaemia = 16, "Leukemia", "Leukaemia";
        Alzheimer = 17, "Alzheimer", "Alzheimer's disease";
        Other = 18, "Lainnya", "Other";
    }
}

code_mask! {
    /// 431a: Jaminan kesehatan dalam setahun terakhir (jumlahkan kode; bitmask).
    HealthInsurance, "431a",
    none = "Tidak memiliki", "None";
    sentinel = 99, "Lainnya", "Other";
    bits {
        PBI_JKN = 1, "PBI/JKN", "Subsidised national health insurance (PBI-JKN)";
        JKN_MANDIRI = 2, "JKN mandiri", "Self-paying JKN";
        JKN_EMPLOYER = 4, "JKN pemberi kerja", "Employer-paid JKN";
        OTHER_INSURANCE = 8, "Jamkes lainnya", "Other health insurance";
    }
}

code_list! {
    /// 431b, 431c, 431d, 431e: Ikut Program Pra-Kerja setahun terakhir (usia 5+).
    YesNoDontKnow, "regsosek2022k.431b" {
        Yes = 1, "Ya", "Yes";
        No = 2, "Tidak", "No";
        DontKnow = 8, "Tidak tahu", "Don't know";
    }
}

code_mask! {
    /// 431f: Jaminan ketenagakerjaan setahun terakhir (jumlahkan kode; bitmask; usia 15+).
    EmploymentInsurance, "431f",
    none = "Tidak memiliki", "None";
    sentinel = 99, "Tidak tahu", "Don't know";
    bits {
        JKK = 1, "BPJS Jaminan Kecelakaan Kerja", "Work-accident insurance (JKK)";
        JKM = 2, "BPJS Jaminan Kematian", "Death benefit (JKM)";
        JHT = 4, "BPJS Jaminan Hari Tua", "Old-age savings (JHT)";
        JP = 8, "BPJS Jaminan Pensiun", "Pension (JP)";
        OTHER_PENSION = 16, "Pensiunan/jaminan hari tua lainnya (Taspen/program pensiun swasta)", "Other pension (Taspen/private)";
    }
}

code_list! {
    /// 503: Luas lahan (OpenSID DTSEN field, not on REGSOSEK22-K).
    LandArea, "regsosek2022k.503" {
        Under1000m2 = 0, "< 1.000 m2 (< 0,1 ha)", "Under 1,000 m2";
        From1000To5000m2 = 1, "1.000 - < 5.000 m2 (0,1 - < 0,5 ha)", "1,000-<5,000 m2";
        From5000To10000m2 = 2, "5.000 - < 10.000 m2 (0,5 - < 1 ha)", "5,000-<10,000 m2";
        Over10000m2 = 3, "> 10.000 m2 (> 1 ha)", "Over 10,000 m2";
        None = 4, "Tidak memiliki", "None";
    }
}

code_list! {
    /// 505: Jenis akses internet utama keluarga sebulan terakhir.
    InternetAccess, "regsosek2022k.505" {
        None = 0, "Tidak menggunakan internet", "No internet";
        Subscription = 1, "Internet dan TV digital berlangganan", "Subscription internet and digital TV";
        Wifi = 2, "Wifi", "Wi-Fi";
        Mobile = 3, "Internet handphone", "Mobile-phone internet";
    }
}

code_list! {
    /// 506: Memiliki rekening aktif atau dompet digital.
    BankAccount, "regsosek2022k.506" {
        Business = 1, "Ya, untuk usaha", "Yes, for business";
        Personal = 2, "Ya, untuk pribadi", "Yes, personal";
        BusinessAndPersonal = 3, "Ya, untuk usaha dan pribadi", "Yes, business and personal";
        No = 4, "Tidak", "No";
    }
}

/// A coded question of the form: its id, its Indonesian label and its list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Question {
    pub id: &'static str,
    pub label_id: &'static str,
    /// The Rust type of its answers.
    pub list: &'static str,
}

/// Every coded question, in the TSV's order.
pub const QUESTIONS: &[Question] = &[
    Question { id: "115", label_id: "Kode Kartu Keluarga", list: "KkCode" },
    Question { id: "205", label_id: "Hasil pendataan keluarga", list: "EnumerationResult" },
    Question { id: "206", label_id: "Status kesejahteraan (OpenSID DTSEN field, not on REGSOSEK22-K)", list: "WelfareStatus" },
    Question { id: "207", label_id: "Peringkat kesejahteraan keluarga / desil (OpenSID DTSEN field, not on REGSOSEK22-K)", list: "WelfareDecile" },
    Question { id: "301a", label_id: "Status penguasaan bangunan tempat tinggal yang ditempati", list: "Tenure" },
    Question { id: "301b", label_id: "Jenis bukti kepemilikan tanah bangunan tempat tinggal (jika 301a=1)", list: "LandTitle" },
    Question { id: "303", label_id: "Jenis lantai terluas", list: "Floor" },
    Question { id: "304", label_id: "Jenis dinding terluas", list: "Wall" },
    Question { id: "305", label_id: "Jenis atap terluas", list: "Roof" },
    Question { id: "306a", label_id: "Sumber air minum", list: "DrinkingWater" },
    Question { id: "306b", label_id: "Jarak sumber air minum utama ke tempat penampungan limbah/kotoran/tinja terdekat (jika 306a=4..8)", list: "WaterWasteDistance" },
    Question { id: "307a", label_id: "Sumber penerangan utama", list: "Lighting" },
    Question { id: "307b1", label_id: "Daya terpasang meteran 1 (jika 307a=1)", list: "MeterPower" },
    Question { id: "307b2", label_id: "Daya terpasang meteran 2 (jika 307a=1)", list: "MeterPower" },
    Question { id: "307b3", label_id: "Daya terpasang meteran 3 (jika 307a=1)", list: "MeterPower" },
    Question { id: "308", label_id: "Bahan bakar/energi utama untuk memasak", list: "CookingFuel" },
    Question { id: "309a", label_id: "Kepemilikan dan penggunaan fasilitas tempat buang air besar", list: "ToiletUse" },
    Question { id: "309b", label_id: "Jenis kloset (jika 309a=1..3)", list: "ToiletType" },
    Question { id: "310", label_id: "Tempat pembuangan akhir tinja", list: "SewageDisposal" },
    Question { id: "404", label_id: "Keterangan keberadaan anggota keluarga", list: "Presence" },
    Question { id: "405", label_id: "Jenis kelamin", list: "Sex" },
    Question { id: "408", label_id: "Status perkawinan", list: "MaritalStatus" },
    Question { id: "409", label_id: "Status hubungan dengan kepala keluarga", list: "Relation" },
    Question { id: "410", label_id: "Sedang hamil (wanita 10-54 tahun, 408=2..4)", list: "YesNo" },
    Question { id: "411", label_id: "Kartu identitas yang dimiliki (jumlahkan kode; bitmask)", list: "IdentityDocs" },
    Question { id: "412", label_id: "Partisipasi sekolah (usia 5+)", list: "SchoolParticipation" },
    Question { id: "413", label_id: "Jenjang dan jenis pendidikan tertinggi yang pernah/sedang diduduki (jika 412=2,3)", list: "EducationLevel" },
    Question { id: "414", label_id: "Kelas tertinggi yang pernah/sedang diduduki (jika 412=2,3)", list: "HighestGrade" },
    Question { id: "415", label_id: "Ijazah/STTB tertinggi yang dimiliki (jika 412=2,3)", list: "Diploma" },
    Question { id: "416a", label_id: "Bekerja/membantu bekerja selama seminggu yang lalu (usia 5+)", list: "YesNo" },
    Question { id: "417", label_id: "Lapangan usaha dari pekerjaan utama (jika 416a=1; kode diisi PML)", list: "Sector" },
    Question { id: "418", label_id: "Status/kedudukan dalam pekerjaan utama (jika 416a=1)", list: "EmploymentStatus" },
    Question { id: "419", label_id: "Memiliki NPWP (usia 5+)", list: "Npwp" },
    Question { id: "419a", label_id: "Keterampilan khusus/sertifikat keahlian (OpenSID DTSEN field, not on REGSOSEK22-K)", list: "YesNo" },
    Question { id: "419b", label_id: "Pendapatan sebulan terakhir (OpenSID DTSEN field, not on REGSOSEK22-K)", list: "IncomeBracket" },
    Question { id: "420a", label_id: "Memiliki usaha sendiri/bersama (usia 5+)", list: "YesNo" },
    Question { id: "421", label_id: "Lapangan usaha dari usaha utama (jika 420a=1; kode diisi PML)", list: "Sector" },
    Question { id: "424", label_id: "Kepemilikan perizinan usaha utama (jika 420a=1)", list: "BusinessPermit" },
    Question { id: "425", label_id: "Omzet usaha utama per bulan (jika 420a=1)", list: "Turnover" },
    Question { id: "426", label_id: "Penggunaan internet dalam kegiatan usaha utama (jumlahkan kode; bitmask; jika 420a=1)", list: "BusinessInternetUse" },
    Question { id: "427", label_id: "Kondisi gizi anak dari pemeriksaan 3 bulan terakhir (usia 0-4)", list: "Nutrition" },
    Question { id: "428a", label_id: "Kesulitan/gangguan penglihatan meskipun memakai alat bantu (usia 2+)", list: "Difficulty" },
    Question { id: "428b", label_id: "Kesulitan/gangguan pendengaran meskipun memakai alat bantu (usia 2+)", list: "Difficulty" },
    Question { id: "428c", label_id: "Kesulitan/gangguan berjalan atau naik tangga (usia 2+)", list: "Difficulty" },
    Question { id: "428d", label_id: "Kesulitan/gangguan menggerakkan/menggunakan tangan/jari (usia 2+)", list: "Difficulty" },
    Question { id: "428e", label_id: "Kesulitan/gangguan belajar atau kemampuan intelektual dibanding sebaya (usia 2+)", list: "Difficulty" },
    Question { id: "428f", label_id: "Kesulitan/gangguan mengendalikan perilaku dibanding sebaya (usia 2+)", list: "Difficulty" },
    Question { id: "428g", label_id: "Kesulitan/gangguan berbicara/berkomunikasi (usia 5+)", list: "Difficulty" },
    Question { id: "428h", label_id: "Kesulitan/gangguan mengurus diri sendiri (usia 5+)", list: "Difficulty" },
    Question { id: "428i", label_id: "Kesulitan/gangguan mengingat/berkonsentrasi (usia 5+)", list: "Difficulty" },
    Question { id: "428j", label_id: "Seberapa sering mengalami gangguan kesedihan/depresi (usia 5+)", list: "DepressionFrequency" },
    Question { id: "429", label_id: "Memiliki caregiver/pemberi rawat/pengasuh/wali (usia 60+ atau 428a-j berkode 1/2)", list: "Caregiver" },
    Question { id: "430", label_id: "Keluhan kesehatan kronis/menahun", list: "ChronicIllness" },
    Question { id: "431a", label_id: "Jaminan kesehatan dalam setahun terakhir (jumlahkan kode; bitmask)", list: "HealthInsurance" },
    Question { id: "431b", label_id: "Ikut Program Pra-Kerja setahun terakhir (usia 5+)", list: "YesNoDontKnow" },
    Question { id: "431c", label_id: "Ikut Kredit Usaha Rakyat (KUR) setahun terakhir (usia 5+)", list: "YesNoDontKnow" },
    Question { id: "431d", label_id: "Ikut Pembiayaan Ultra Mikro (UMi) setahun terakhir (usia 5+)", list: "YesNoDontKnow" },
    Question { id: "431e", label_id: "Ikut Program Indonesia Pintar (PIP) setahun terakhir (usia 5-30)", list: "YesNoDontKnow" },
    Question { id: "431f", label_id: "Jaminan ketenagakerjaan setahun terakhir (jumlahkan kode; bitmask; usia 15+)", list: "EmploymentInsurance" },
    Question { id: "501a", label_id: "Kepesertaan setahun terakhir: Program Bantuan Sosial Sembako/BPNT (+ bulan/tahun terakhir menerima jika 1)", list: "YesNo" },
    Question { id: "501b", label_id: "Kepesertaan setahun terakhir: Program Keluarga Harapan (PKH) (+ bulan/tahun terakhir menerima jika 1)", list: "YesNo" },
    Question { id: "501c", label_id: "Kepesertaan setahun terakhir: Bantuan Langsung Tunai (BLT) Dana Desa (+ bulan/tahun terakhir menerima jika 1)", list: "YesNo" },
    Question { id: "501d", label_id: "Kepesertaan setahun terakhir: Program subsidi listrik (gratis/pemotongan biaya) (+ bulan/tahun terakhir menerima jika 1)", list: "YesNo" },
    Question { id: "501e", label_id: "Kepesertaan setahun terakhir: Program bantuan pemerintah daerah (+ bulan/tahun terakhir menerima jika 1)", list: "YesNo" },
    Question { id: "501f", label_id: "Kepesertaan setahun terakhir: Program bantuan subsidi pupuk (+ bulan/tahun terakhir menerima jika 1)", list: "YesNo" },
    Question { id: "501g", label_id: "Kepesertaan setahun terakhir: Program subsidi/bantuan LPG (+ bulan/tahun terakhir menerima jika 1)", list: "YesNo" },
    Question { id: "502a", label_id: "Keluarga memiliki sendiri: Tabung gas 5,5 kg atau lebih (paper form: Ya/Tidak; OpenSID DTSEN module: count)", list: "YesNo" },
    Question { id: "502b", label_id: "Keluarga memiliki sendiri: Lemari es/kulkas (paper form: Ya/Tidak; OpenSID DTSEN module: count)", list: "YesNo" },
    Question { id: "502c", label_id: "Keluarga memiliki sendiri: AC (paper form: Ya/Tidak; OpenSID DTSEN module: count)", list: "YesNo" },
    Question { id: "502d", label_id: "Keluarga memiliki sendiri: Pemanas air (water heater) (paper form: Ya/Tidak; OpenSID DTSEN module: count)", list: "YesNo" },
    Question { id: "502e", label_id: "Keluarga memiliki sendiri: Telepon rumah (PSTN) (paper form: Ya/Tidak; OpenSID DTSEN module: count)", list: "YesNo" },
    Question { id: "502f", label_id: "Keluarga memiliki sendiri: Televisi layar datar min. 30 inci (paper form: Ya/Tidak; OpenSID DTSEN module: count)", list: "YesNo" },
    Question { id: "502g", label_id: "Keluarga memiliki sendiri: Emas/perhiasan senilai 10 gram emas (paper form: Ya/Tidak; OpenSID DTSEN module: count)", list: "YesNo" },
    Question { id: "502h", label_id: "Keluarga memiliki sendiri: Komputer/laptop/tablet (paper form: Ya/Tidak; OpenSID DTSEN module: count)", list: "YesNo" },
    Question { id: "502i", label_id: "Keluarga memiliki sendiri: Sepeda motor (paper form: Ya/Tidak; OpenSID DTSEN module: count)", list: "YesNo" },
    Question { id: "502j", label_id: "Keluarga memiliki sendiri: Sepeda (paper form: Ya/Tidak; OpenSID DTSEN module: count)", list: "YesNo" },
    Question { id: "502k", label_id: "Keluarga memiliki sendiri: Mobil (paper form: Ya/Tidak; OpenSID DTSEN module: count)", list: "YesNo" },
    Question { id: "502l", label_id: "Keluarga memiliki sendiri: Perahu (paper form: Ya/Tidak; OpenSID DTSEN module: count)", list: "YesNo" },
    Question { id: "502m", label_id: "Keluarga memiliki sendiri: Kapal/perahu motor (paper form: Ya/Tidak; OpenSID DTSEN module: count)", list: "YesNo" },
    Question { id: "502n", label_id: "Keluarga memiliki sendiri: Smartphone (paper form: Ya/Tidak; OpenSID DTSEN module: count)", list: "YesNo" },
    Question { id: "503a", label_id: "Memiliki lahan (selain yang ditempati)", list: "YesNo" },
    Question { id: "503", label_id: "Luas lahan (OpenSID DTSEN field, not on REGSOSEK22-K)", list: "LandArea" },
    Question { id: "503b", label_id: "Memiliki rumah/bangunan di tempat lain", list: "YesNo" },
    Question { id: "505", label_id: "Jenis akses internet utama keluarga sebulan terakhir", list: "InternetAccess" },
    Question { id: "506", label_id: "Memiliki rekening aktif atau dompet digital", list: "BankAccount" },
];

/// The label of `code` as an answer to `question`, through its typed list; `None` for an
/// unknown question or code. For a bitmask question, only 0, the sentinel and single bits.
pub fn label(question: &str, code: u8) -> Option<Text> {
    match question {
        "115" => KkCode::from_code(code).map(CodeList::text),
        "205" => EnumerationResult::from_code(code).map(CodeList::text),
        "206" => WelfareStatus::from_code(code).map(CodeList::text),
        "207" => WelfareDecile::from_code(code).map(CodeList::text),
        "301a" => Tenure::from_code(code).map(CodeList::text),
        "301b" => LandTitle::from_code(code).map(CodeList::text),
        "303" => Floor::from_code(code).map(CodeList::text),
        "304" => Wall::from_code(code).map(CodeList::text),
        "305" => Roof::from_code(code).map(CodeList::text),
        "306a" => DrinkingWater::from_code(code).map(CodeList::text),
        "306b" => WaterWasteDistance::from_code(code).map(CodeList::text),
        "307a" => Lighting::from_code(code).map(CodeList::text),
        "307b1" | "307b2" | "307b3" => MeterPower::from_code(code).map(CodeList::text),
        "308" => CookingFuel::from_code(code).map(CodeList::text),
        "309a" => ToiletUse::from_code(code).map(CodeList::text),
        "309b" => ToiletType::from_code(code).map(CodeList::text),
        "310" => SewageDisposal::from_code(code).map(CodeList::text),
        "404" => Presence::from_code(code).map(CodeList::text),
        "405" => Sex::from_code(code).map(CodeList::text),
        "408" => MaritalStatus::from_code(code).map(CodeList::text),
        "409" => Relation::from_code(code).map(CodeList::text),
        "410" | "416a" | "419a" | "420a" | "501a" | "501b" | "501c" | "501d" | "501e" | "501f" | "501g" | "502a" | "502b" | "502c" | "502d" | "502e" | "502f" | "502g" | "502h" | "502i" | "502j" | "502k" | "502l" | "502m" | "502n" | "503a" | "503b" => YesNo::from_code(code).map(CodeList::text),
        "411" => mask_label::<IdentityDocs>(code),
        "412" => SchoolParticipation::from_code(code).map(CodeList::text),
        "413" => EducationLevel::from_code(code).map(CodeList::text),
        "414" => HighestGrade::from_code(code).map(CodeList::text),
        "415" => Diploma::from_code(code).map(CodeList::text),
        "417" | "421" => Sector::from_code(code).map(CodeList::text),
        "418" => EmploymentStatus::from_code(code).map(CodeList::text),
        "419" => Npwp::from_code(code).map(CodeList::text),
        "419b" => IncomeBracket::from_code(code).map(CodeList::text),
        "424" => BusinessPermit::from_code(code).map(CodeList::text),
        "425" => Turnover::from_code(code).map(CodeList::text),
        "426" => mask_label::<BusinessInternetUse>(code),
        "427" => Nutrition::from_code(code).map(CodeList::text),
        "428a" | "428b" | "428c" | "428d" | "428e" | "428f" | "428g" | "428h" | "428i" => Difficulty::from_code(code).map(CodeList::text),
        "428j" => DepressionFrequency::from_code(code).map(CodeList::text),
        "429" => Caregiver::from_code(code).map(CodeList::text),
        "430" => ChronicIllness::from_code(code).map(CodeList::text),
        "431a" => mask_label::<HealthInsurance>(code),
        "431b" | "431c" | "431d" | "431e" => YesNoDontKnow::from_code(code).map(CodeList::text),
        "431f" => mask_label::<EmploymentInsurance>(code),
        "503" => LandArea::from_code(code).map(CodeList::text),
        "505" => InternetAccess::from_code(code).map(CodeList::text),
        "506" => BankAccount::from_code(code).map(CodeList::text),
        _ => None,
    }
}

fn mask_label<M: CodeMask>(code: u8) -> Option<Text> {
    if code != 0 && !code.is_power_of_two() && M::sentinel().is_none_or(|s| s.0 != code) {
        return None;
    }
    M::from_code(code).and_then(|m| m.texts().into_iter().next())
}
