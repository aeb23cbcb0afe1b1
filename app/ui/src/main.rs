fn main() {
    dioxus::launch(pendata_app::App);
}
