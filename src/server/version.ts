/** The package version, reported in `alert_server_build_info` and `/version`. */
export const VERSION = '0.1.0';
