//! The official code lists of the DTKS/DTSEN questionnaire (DTKS-REFERENCE.md §1.5, §2.1, §2.2).
//!
//! Every list is a typed enum that keeps its official numeric code on the wire (JSON numbers)
//! and carries an Indonesian and an English label. Code lists are never bare integers in the
//! crate's API; `from_code` is the one place a number turns into a value.

/// What every code list offers: its codes, labels, and its codeset id (the SIKS-NG variable
/// name), so that a UI can build a picker and an export can write code and label columns.
pub trait CodeList: Sized + Copy + 'static {
    /// The SIKS-NG/BDT variable this list belongs to, e.g. `"sta_bangunan"`.
    const CODESET: &'static str;
    /// Every value, in code order.
    fn all() -> &'static [Self];
    /// The official numeric code.
    fn code(self) -> u8;
    /// The value for an official code, if the code exists.
    fn from_code(code: u8) -> Option<Self>;
    /// Label in Bahasa Indonesia.
    fn label_id(self) -> &'static str;
    /// Label in English.
    fn label_en(self) -> &'static str;
    /// Label in the asked language.
    fn label(self, lang: crate::Lang) -> &'static str {
        crate::text::pick(lang, self.label_id(), self.label_en())
    }
    /// Both labels as one [`Text`](crate::text::Text).
    fn text(self) -> crate::text::Text {
        crate::text::Text::new(self.label_id(), self.label_en())
    }
}

macro_rules! code_list {
    (
        $(#[$meta:meta])*
        $name:ident, $codeset:literal {
            $( $(#[$vmeta:meta])* $variant:ident = $code:literal, $id:literal, $en:literal; )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name {
            $( #[doc = $id] $(#[$vmeta])* $variant ),+
        }

        impl $name {
            /// Every value, in code order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The official numeric code.
            pub const fn code(self) -> u8 {
                match self { $($name::$variant => $code),+ }
            }

            /// The value for an official code.
            pub const fn from_code(code: u8) -> Option<Self> {
                match code { $($code => Some($name::$variant),)+ _ => None }
            }

            /// Label in Bahasa Indonesia.
            pub const fn label_id(self) -> &'static str {
                match self { $($name::$variant => $id),+ }
            }

            /// Label in English.
            pub const fn label_en(self) -> &'static str {
                match self { $($name::$variant => $en),+ }
            }
        }

        impl $crate::codes::CodeList for $name {
            const CODESET: &'static str = $codeset;
            fn all() -> &'static [Self] { Self::ALL }
            fn code(self) -> u8 { $name::code(self) }
            fn from_code(code: u8) -> Option<Self> { $name::from_code(code) }
            fn label_id(self) -> &'static str { $name::label_id(self) }
            fn label_en(self) -> &'static str { $name::label_en(self) }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                write!(f, "{} {}", self.code(), self.label_id())
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_u8(self.code())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let code = <u8 as serde::Deserialize>::deserialize(d)?;
                $name::from_code(code).ok_or_else(|| {
                    serde::de::Error::custom(format_args!(
                        "kode {code} tidak dikenal untuk {} (unknown code for {})",
                        $codeset, $codeset
                    ))
                })
            }
        }

        #[cfg(feature = "openapi")]
        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                $crate::openapi::code_list_schema::<$name>()
            }
        }

        #[cfg(feature = "openapi")]
        impl utoipa::ToSchema for $name {}
    };
}

pub(crate) use code_list;

code_list! {
    /// Status rumah tangga in the prelist (SIKS-Droid).
    HouseholdStatus, "status_rumah_tangga" {
        Found = 1, "Ditemukan", "Found";
        NotFound = 2, "Tidak ditemukan", "Not found";
        Duplicate = 3, "Ganda", "Duplicate";
        NewProposal = 4, "Usulan baru", "New proposal";
    }
}

code_list! {
    /// Alasan tidak ditemukan.
    NotFoundReason, "alasan_tidak_ditemukan" {
        Moved = 1, "Pindah", "Moved away";
        Deceased = 2, "Meninggal", "Deceased";
        Unknown = 3, "Tidak tahu", "Unknown";
        AddressNotInDesa = 4, "Alamat tidak ada di desa/kel setempat", "Address not in this desa/kelurahan";
    }
}

code_list! {
    /// Generic yes/no (1 Ya, 2 Tidak).
    YesNo, "ya_tidak" {
        Yes = 1, "Ya", "Yes";
        No = 2, "Tidak", "No";
    }
}

code_list! {
    /// Hasil verivali.
    VerivaliResult, "hasil_verivali" {
        Completed = 1, "Selesai dicacah", "Interview completed";
        NotFound = 2, "RT tidak ditemukan", "Household not found";
        Moved = 3, "RT pindah", "Household moved";
        PartOfOther = 4, "Bagian dari RT lain", "Part of another household";
        Refused = 5, "Responden menolak", "Respondent refused";
        Duplicate = 6, "Data ganda", "Duplicate record";
    }
}

code_list! {
    /// Keberadaan ART (member presence).
    Presence, "keberadaan_art" {
        Living = 1, "Tinggal di ruta", "Lives in the household";
        Deceased = 2, "Meninggal", "Deceased";
        MovedOut = 3, "Tidak tinggal di ruta/pindah", "No longer lives here/moved";
        NewMember = 4, "ART baru", "New member";
        PrelistError = 5, "Kesalahan prelist", "Prelist error";
        NotFound = 6, "Tidak ditemukan", "Not found";
    }
}

code_list! {
    /// Pemadanan with Dukcapil (set by the server only).
    PadanStatus, "status_padan" {
        Padan = 1, "PADAN", "Matched";
        TidakPadan = 2, "TIDAK PADAN", "Not matched";
    }
}

code_list! {
    /// Whether the NIK matches the shown document.
    DocumentFlag, "dokumen_nik" {
        Matches = 1, "NIK sesuai dokumen", "NIK matches document";
        DoesNotMatch = 2, "NIK tidak sesuai dokumen", "NIK does not match document";
    }
}

code_list! {
    /// sta_bangunan: ownership of the building.
    BuildingOwnership, "sta_bangunan" {
        Own = 1, "Milik sendiri", "Own";
        Rented = 2, "Kontrak/sewa", "Rented";
        RentFree = 3, "Bebas sewa", "Rent-free";
        Official = 4, "Dinas", "Official housing";
        Other = 5, "Lainnya", "Other";
    }
}

code_list! {
    /// sta_lahan: status of the land.
    LandStatus, "sta_lahan" {
        Own = 1, "Milik sendiri", "Own";
        OtherPerson = 2, "Milik orang lain", "Someone else's";
        State = 3, "Tanah negara", "State land";
        Other = 4, "Lainnya", "Other";
    }
}

code_list! {
    /// lantai: widest floor material.
    FloorMaterial, "lantai" {
        Marble = 1, "Marmer/granit", "Marble/granite";
        Ceramic = 2, "Keramik", "Ceramic tiles";
        Parquet = 3, "Parket/vinil/permadani", "Parquet/vinyl/carpet";
        Tiles = 4, "Ubin/tegel/teraso", "Tiles/terrazzo";
        HighQualityWood = 5, "Kayu/papan kualitas tinggi", "High-quality wood";
        Cement = 6, "Semen/bata merah", "Cement/red brick";
        Bamboo = 7, "Bambu", "Bamboo";
        LowQualityWood = 8, "Kayu/papan kualitas rendah", "Low-quality wood";
        Earth = 9, "Tanah", "Earth";
        Other = 10, "Lainnya", "Other";
    }
}

code_list! {
    /// dinding: widest wall material.
    WallMaterial, "dinding" {
        Masonry = 1, "Tembok", "Masonry";
        PlasteredBamboo = 2, "Plesteran anyaman bambu/kawat", "Plastered woven bamboo/wire";
        Wood = 3, "Kayu", "Wood";
        WovenBamboo = 4, "Anyaman bambu", "Woven bamboo";
        Logs = 5, "Batang kayu", "Logs";
        Bamboo = 6, "Bambu", "Bamboo";
        Other = 7, "Lainnya", "Other";
    }
}

impl WallMaterial {
    /// kondisi_dinding is asked only for walls 1-3.
    pub const fn has_condition(self) -> bool {
        matches!(self, Self::Masonry | Self::PlasteredBamboo | Self::Wood)
    }
}

code_list! {
    /// kondisi_dinding / kondisi_atap.
    Condition, "kondisi" {
        Good = 1, "Bagus/kualitas tinggi", "Good";
        Poor = 2, "Jelek/kualitas rendah", "Poor";
    }
}

code_list! {
    /// atap: widest roof material.
    RoofMaterial, "atap" {
        Concrete = 1, "Beton/genteng beton", "Concrete/concrete tiles";
        CeramicTiles = 2, "Genteng keramik", "Ceramic tiles";
        MetalTiles = 3, "Genteng metal", "Metal tiles";
        ClayTiles = 4, "Genteng tanah liat", "Clay tiles";
        Asbestos = 5, "Asbes", "Asbestos";
        Zinc = 6, "Seng", "Corrugated zinc";
        Shingles = 7, "Sirap", "Wooden shingles";
        Bamboo = 8, "Bambu", "Bamboo";
        Thatch = 9, "Jerami/ijuk/daun/rumbia", "Thatch/palm fibre/leaves";
        Other = 10, "Lainnya", "Other";
    }
}

impl RoofMaterial {
    /// kondisi_atap is asked only for roofs 1-7.
    pub const fn has_condition(self) -> bool {
        self.code() <= 7
    }
}

code_list! {
    /// sumber_airminum: source of drinking water.
    WaterSource, "sumber_airminum" {
        BottledBrand = 1, "Air kemasan bermerk", "Branded bottled water";
        Refill = 2, "Air isi ulang", "Refill water";
        MeteredTap = 3, "Leding meteran", "Metered piped water";
        RetailTap = 4, "Leding eceran", "Retail piped water";
        BoreWell = 5, "Sumur bor/pompa", "Bore well/pump";
        ProtectedWell = 6, "Sumur terlindung", "Protected well";
        UnprotectedWell = 7, "Sumur tak terlindung", "Unprotected well";
        ProtectedSpring = 8, "Mata air terlindung", "Protected spring";
        UnprotectedSpring = 9, "Mata air tak terlindung", "Unprotected spring";
        SurfaceWater = 10, "Air sungai/danau/waduk", "River/lake/reservoir";
        Rain = 11, "Air hujan", "Rain water";
        Other = 12, "Lainnya", "Other";
    }
}

code_list! {
    /// Provider of metered piped water (asked only for sumber_airminum 3).
    WaterProvider, "penyedia_air" {
        Pam = 1, "PAM", "PAM";
        Pdam = 2, "PDAM", "PDAM";
        Bdam = 3, "BDAM", "BDAM";
        Other = 4, "Lainnya", "Other";
    }
}

code_list! {
    /// cara_peroleh_airminum.
    WaterAcquisition, "cara_peroleh_airminum" {
        BuyRetail = 1, "Membeli eceran", "Buys retail";
        Subscription = 2, "Langganan", "Subscription";
        NotBought = 3, "Tidak membeli", "Does not buy";
    }
}

code_list! {
    /// sumber_penerangan: main source of lighting.
    LightingSource, "sumber_penerangan" {
        Pln = 1, "Listrik PLN", "PLN electricity";
        NonPln = 2, "Listrik non-PLN", "Non-PLN electricity";
        NotElectric = 3, "Bukan listrik", "Not electric";
    }
}

code_list! {
    /// daya: installed PLN power (asked only for PLN lighting).
    ElectricityPower, "daya" {
        W450 = 1, "450 watt", "450 W";
        W900 = 2, "900 watt", "900 W";
        W1300 = 3, "1.300 watt", "1,300 W";
        W2200 = 4, "2.200 watt", "2,200 W";
        Above2200 = 5, "> 2.200 watt", "> 2,200 W";
        NoMeter = 6, "Tanpa meteran", "No meter";
    }
}

code_list! {
    /// bb_masak: main cooking fuel.
    CookingFuel, "bb_masak" {
        Electricity = 1, "Listrik", "Electricity";
        GasLarge = 2, "Gas > 3 kg", "Gas > 3 kg";
        Gas3Kg = 3, "Gas 3 kg", "Gas 3 kg";
        CityGasBiogas = 4, "Gas kota/biogas", "City gas/biogas";
        Kerosene = 5, "Minyak tanah", "Kerosene";
        Briquette = 6, "Briket", "Briquettes";
        Charcoal = 7, "Arang", "Charcoal";
        Firewood = 8, "Kayu bakar", "Firewood";
        NoCooking = 9, "Tidak memasak di rumah", "Does not cook at home";
    }
}

code_list! {
    /// Provider of piped gas (asked only for bb_masak 4).
    GasProvider, "penyedia_gas" {
        Pgn = 1, "PGN", "PGN";
        CityGas = 2, "Gas kota", "City gas";
        Other = 3, "Lainnya", "Other";
    }
}

code_list! {
    /// fasbab: toilet facility.
    ToiletFacility, "fasbab" {
        Own = 1, "Sendiri", "Own";
        Shared = 2, "Bersama", "Shared";
        Public = 3, "Umum", "Public";
        None = 4, "Tidak ada", "None";
    }
}

code_list! {
    /// kloset: toilet type.
    ToiletType, "kloset" {
        GooseNeck = 1, "Leher angsa", "Pour-flush (goose neck)";
        Plengsengan = 2, "Plengsengan", "Sloped slab";
        PitLatrine = 3, "Cemplung/cubluk", "Pit latrine";
        NotUsed = 4, "Tidak pakai", "None used";
    }
}

code_list! {
    /// buang_tinja: final sewage disposal.
    SewageDisposal, "buang_tinja" {
        Tank = 1, "Tangki", "Septic tank";
        Spal = 2, "SPAL", "Sewerage (SPAL)";
        Hole = 3, "Lubang tanah", "Hole in the ground";
        OpenWater = 4, "Kolam/sawah/sungai/danau/laut", "Pond/paddy/river/lake/sea";
        OpenLand = 5, "Pantai/tanah lapang/kebun", "Beach/open field/garden";
        Other = 6, "Lainnya", "Other";
    }
}

code_list! {
    /// Asset yes/no as captured. The paper form alternates 1 Ya/2 Tidak and 3 Ya/4 Tidak between
    /// items; the raw code is kept as captured (DTKS-REFERENCE.md §2.1).
    AssetPresence, "aset" {
        Yes1 = 1, "Ya (1)", "Yes (1)";
        No2 = 2, "Tidak (2)", "No (2)";
        Yes3 = 3, "Ya (3)", "Yes (3)";
        No4 = 4, "Tidak (4)", "No (4)";
    }
}

impl AssetPresence {
    /// Whether the household has the asset, whatever pair of codes was used.
    pub const fn is_yes(self) -> bool {
        matches!(self, Self::Yes1 | Self::Yes3)
    }
}

code_list! {
    /// hub_krt: relation to the head of household; also relation to the head of family (KK),
    /// where 1 means kepala keluarga.
    Relation, "hub_krt" {
        Head = 1, "Kepala rumah tangga", "Head of household";
        Spouse = 2, "Istri/suami", "Wife/husband";
        Child = 3, "Anak", "Child";
        ChildInLaw = 4, "Menantu", "Son/daughter-in-law";
        Grandchild = 5, "Cucu", "Grandchild";
        ParentOrInLaw = 6, "Orang tua/mertua", "Parent/parent-in-law";
        Helper = 7, "Pembantu ruta", "Household helper";
        Other = 8, "Lainnya", "Other";
    }
}

code_list! {
    /// jenis_kelamin.
    Sex, "jenis_kelamin" {
        Male = 1, "Laki-laki", "Male";
        Female = 2, "Perempuan", "Female";
    }
}

code_list! {
    /// status_kawin.
    MaritalStatus, "status_kawin" {
        Single = 1, "Belum kawin", "Never married";
        Married = 2, "Kawin", "Married";
        Divorced = 3, "Cerai hidup", "Divorced";
        Widowed = 4, "Cerai mati", "Widowed";
    }
}

impl MaritalStatus {
    /// Ever married (kawin, cerai hidup, cerai mati).
    pub const fn ever_married(self) -> bool {
        !matches!(self, Self::Single)
    }
}

code_list! {
    /// akta nikah/cerai.
    MarriageCertificate, "akta_nikah" {
        No = 0, "Tidak", "No";
        YesShown = 1, "Ya, dapat ditunjukkan", "Yes, shown";
        YesNotShown = 2, "Ya, tidak dapat ditunjukkan", "Yes, not shown";
    }
}

code_list! {
    /// jenis_cacat: disability.
    Disability, "jenis_cacat" {
        None = 0, "Tidak cacat", "None";
        Physical = 1, "Tuna daksa/cacat tubuh", "Physical";
        Blind = 2, "Tuna netra/buta", "Blind";
        Mute = 3, "Tuna wicara", "Speech impaired";
        DeafMute = 4, "Tuna rungu & wicara", "Deaf and speech impaired";
        BlindPhysical = 5, "Tuna netra & cacat tubuh", "Blind and physical";
        BlindDeafMute = 6, "Tuna netra, rungu & wicara", "Blind, deaf and speech impaired";
        DeafMutePhysical = 7, "Tuna rungu, wicara & cacat tubuh", "Deaf, speech impaired and physical";
        Multiple = 8, "Tuna rungu, wicara, netra & cacat tubuh", "Deaf, speech, blind and physical";
        Intellectual = 9, "Cacat mental retardasi", "Intellectual disability";
        FormerMental = 10, "Mantan penderita gangguan jiwa", "Former mental illness";
        PhysicalMental = 11, "Cacat fisik & mental", "Physical and mental";
    }
}

code_list! {
    /// penyakit_kronis.
    ChronicIllness, "penyakit_kronis" {
        None = 0, "Tidak ada", "None";
        Hypertension = 1, "Hipertensi (tekanan darah tinggi)", "Hypertension";
        Rheumatism = 2, "Rematik", "Rheumatism";
        Asthma = 3, "Asma", "Asthma";
        Heart = 4, "Masalah jantung", "Heart disease";
        Diabetes = 5, "Diabetes (kencing manis)", "Diabetes";
        Tuberculosis = 6, "Tuberculosis (TBC)", "Tuberculosis";
        Stroke = 7, "Stroke", "Stroke";
        Cancer = 8, "Kanker atau tumor ganas", "Cancer";
        Other = 9, "Lainnya", "Other";
    }
}

code_list! {
    /// partisipasi_sekolah.
    SchoolParticipation, "partisipasi_sekolah" {
        Never = 0, "Tidak/belum pernah sekolah", "Never attended";
        Attending = 1, "Masih sekolah", "Attending";
        NoLonger = 2, "Tidak bersekolah lagi", "No longer attending";
    }
}

code_list! {
    /// jenjang: school level attended (or last attended).
    SchoolLevel, "jenjang_pendidikan" {
        Sd = 1, "SD/SDLB", "Primary (SD/SDLB)";
        PaketA = 2, "Paket A", "Paket A";
        Mi = 3, "M. Ibtidaiyah", "Islamic primary (MI)";
        Smp = 4, "SMP/SMPLB", "Junior secondary (SMP)";
        PaketB = 5, "Paket B", "Paket B";
        Mts = 6, "M. Tsanawiyah", "Islamic junior secondary (MTs)";
        Sma = 7, "SMA/SMK/SMALB", "Senior secondary (SMA/SMK)";
        PaketC = 8, "Paket C", "Paket C";
        Ma = 9, "M. Aliyah", "Islamic senior secondary (MA)";
        Pt = 10, "Perguruan tinggi", "Higher education";
    }
}

code_list! {
    /// kelas tertinggi: highest grade reached at that level.
    HighestGrade, "kelas_tertinggi" {
        G1 = 1, "Kelas 1", "Grade 1";
        G2 = 2, "Kelas 2", "Grade 2";
        G3 = 3, "Kelas 3", "Grade 3";
        G4 = 4, "Kelas 4", "Grade 4";
        G5 = 5, "Kelas 5", "Grade 5";
        G6 = 6, "Kelas 6", "Grade 6";
        G7 = 7, "Kelas 7", "Grade 7";
        Graduated = 8, "Tamat", "Graduated";
    }
}

code_list! {
    /// ijazah tertinggi.
    Diploma, "ijazah_tertinggi" {
        None = 0, "Tidak punya ijazah", "None";
        Sd = 1, "SD/sederajat", "Primary";
        Smp = 2, "SMP/sederajat", "Junior secondary";
        Sma = 3, "SMA/sederajat", "Senior secondary";
        D1D3 = 4, "D1/D2/D3", "Diploma D1-D3";
        D4S1 = 5, "D4/S1", "Bachelor (D4/S1)";
        S2S3 = 6, "S2/S3", "Master/doctorate";
    }
}

code_list! {
    /// lapangan usaha: main sector of work.
    Sector, "lapangan_usaha" {
        FoodCrops = 1, "Pertanian tanaman padi & palawija", "Rice and secondary crops";
        Horticulture = 2, "Hortikultura", "Horticulture";
        Plantation = 3, "Perkebunan", "Plantation";
        CaptureFishery = 4, "Perikanan tangkap", "Capture fishery";
        Aquaculture = 5, "Perikanan budidaya", "Aquaculture";
        Livestock = 6, "Peternakan", "Livestock";
        Forestry = 7, "Kehutanan & pertanian lainnya", "Forestry and other agriculture";
        Mining = 8, "Pertambangan/penggalian", "Mining/quarrying";
        Manufacturing = 9, "Industri pengolahan", "Manufacturing";
        Utilities = 10, "Listrik dan gas", "Electricity and gas";
        Construction = 11, "Bangunan/konstruksi", "Construction";
        Trade = 12, "Perdagangan", "Trade";
        Hospitality = 13, "Hotel & rumah makan", "Hotels and restaurants";
        Transport = 14, "Transportasi & pergudangan", "Transport and storage";
        Communication = 15, "Informasi & komunikasi", "Information and communication";
        Finance = 16, "Keuangan & asuransi", "Finance and insurance";
        Education = 17, "Jasa pendidikan", "Education";
        Health = 18, "Jasa kesehatan", "Health";
        Community = 19, "Jasa kemasyarakatan, pemerintahan & perorangan", "Community, government and personal services";
        Scavenger = 20, "Pemulung", "Waste picker";
        Other = 21, "Lainnya", "Other";
    }
}

code_list! {
    /// status pekerjaan (employment status).
    EmploymentStatus, "status_pekerjaan" {
        OwnAccount = 1, "Berusaha sendiri", "Own-account worker";
        WithTemporaryWorkers = 2, "Berusaha dibantu buruh tidak tetap/tidak dibayar", "Employer with temporary/unpaid workers";
        WithPermanentWorkers = 3, "Berusaha dibantu buruh tetap/dibayar", "Employer with permanent paid workers";
        Employee = 4, "Buruh/karyawan/pegawai swasta", "Private employee";
        CivilServant = 5, "PNS/TNI/Polri/BUMN/BUMD/anggota legislatif", "Civil servant/military/police/state enterprise/legislator";
        CasualAgricultural = 6, "Pekerja bebas pertanian", "Casual agricultural worker";
        CasualNonAgricultural = 7, "Pekerja bebas non-pertanian", "Casual non-agricultural worker";
        FamilyWorker = 8, "Pekerja keluarga/tidak dibayar", "Unpaid family worker";
    }
}

/// kartu identitas: a bitmask (0 none, +1 akta lahir, +2 kartu pelajar, +4 KTP, +8 SIM).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct IdentityCards(u8);

impl IdentityCards {
    pub const NONE: Self = Self(0);
    pub const BIRTH_CERTIFICATE: Self = Self(1);
    pub const STUDENT_CARD: Self = Self(2);
    pub const KTP: Self = Self(4);
    pub const SIM: Self = Self(8);
    /// Every single card, with its Indonesian and English label.
    pub const CARDS: [(Self, &'static str, &'static str); 4] = [
        (
            Self::BIRTH_CERTIFICATE,
            "Akta kelahiran",
            "Birth certificate",
        ),
        (Self::STUDENT_CARD, "Kartu pelajar", "Student card"),
        (Self::KTP, "KTP", "Identity card (KTP)"),
        (Self::SIM, "SIM", "Driving licence (SIM)"),
    ];

    /// The mask for an official code; codes above 15 do not exist.
    pub const fn from_code(code: u8) -> Option<Self> {
        if code <= 15 {
            Some(Self(code))
        } else {
            None
        }
    }
    /// The official code (the sum of the cards held).
    pub const fn code(self) -> u8 {
        self.0
    }
    /// Whether every card in `other` is held.
    pub const fn contains(self, other: Self) -> bool {
        self.0 & other.0 == other.0
    }
    /// This set with `other` added.
    #[must_use]
    pub const fn with(self, other: Self) -> Self {
        Self(self.0 | other.0)
    }
    /// This set without `other`.
    #[must_use]
    pub const fn without(self, other: Self) -> Self {
        Self(self.0 & !other.0)
    }
}

impl serde::Serialize for IdentityCards {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u8(self.0)
    }
}

impl<'de> serde::Deserialize<'de> for IdentityCards {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let code = <u8 as serde::Deserialize>::deserialize(d)?;
        Self::from_code(code).ok_or_else(|| {
            serde::de::Error::custom(format_args!(
                "kartu identitas {code} di luar 0-15 (identity-card mask out of 0-15)"
            ))
        })
    }
}

#[cfg(feature = "openapi")]
impl utoipa::PartialSchema for IdentityCards {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{ObjectBuilder, Type};
        ObjectBuilder::new()
            .schema_type(Type::Integer)
            .minimum(Some(0))
            .maximum(Some(15))
            .description(Some(
                "Kartu identitas, bitmask: +1 akta lahir, +2 kartu pelajar, +4 KTP, +8 SIM",
            ))
            .into()
    }
}

#[cfg(feature = "openapi")]
impl utoipa::ToSchema for IdentityCards {}
