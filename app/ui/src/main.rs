fn main() {
    #[cfg(feature = "desktop")]
    {
        use dioxus::desktop::{Config, LogicalSize, WindowBuilder};
        let window = WindowBuilder::new()
            .with_title("Pendata")
            .with_inner_size(LogicalSize::new(900.0, 700.0));
        dioxus::LaunchBuilder::new()
            .with_cfg(Config::new().with_window(window))
            .launch(pendata_app::App);
    }
    #[cfg(not(feature = "desktop"))]
    dioxus::launch(pendata_app::App);
}
