# The chart of bench/run: grouped bars, one colour per runtime.
#
#   gnuplot -e "dir='DATA'; out='latest.svg'; runtimes='baton crun runc'; note='...'" bench/plot.gp
#
# DATA holds the files bench/report --plot writes. Rows: the repeated bundle,
# a fresh config per container, and baton's stages; columns: latency,
# throughput, memory. Each bar is a median, its value printed on it.

if (!exists("note")) note = ""
N = words(runtimes)
colour(name) = name eq "baton" ? "#1b9e77" : name eq "crun" ? "#d95f02" : "#7570b3"
# the centre of bar i (1..N) in a cluster: histograms leave a gap of one bar
centre(i) = $0 + (i - (N + 1) / 2.0) / (N + 1.0)
tag(v) = v >= 100 ? sprintf("%.0f", v) : v >= 10 ? sprintf("%.1f", v) : sprintf("%.2f", v)

set terminal svg size 1400,1050 dynamic font "sans,11" background "white"
set output out
set datafile separator "\t"
set datafile missing "-"
set datafile columnheaders
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set grid ytics lc rgb "#dddddd"
set yrange [0:*]
set offsets 0, 0, graph 0.1, 0
set key above horizontal samplen 1.5
set tics nomirror
set xtics scale 0

# panel(FILE, TITLE, YLABEL): one cluster per row of FILE
set macros
bars = "for [i=1:N] file using (column(i+1)):xtic(1) title word(runtimes, i) lc rgb colour(word(runtimes, i)), \
        for [i=1:N] file using (centre(i)):(column(i+1)):(tag(column(i+1))) with labels offset 0,0.7 font ',8' notitle"

set multiplot title "baton, crun and runc: medians".(note ne "" ? "  (".note.")" : "") font ",14"

do for [row=1:2] {
	variant = row == 1 ? "repeated" : "fresh"
	what = row == 1 ? "one config.json for all runs" : "a fresh config.json per container"
	tag_row = row == 1 ? "repeated bundle" : "fresh config"
	y = row == 1 ? 0.63 : 0.32
	set size 0.46, 0.31
	set origin 0.0, y
	set title "latency, ".what." (lower is better)"
	set ylabel "ms"
	file = dir."/latency-".variant.".dat"
	plot @bars
	set size 0.24, 0.31
	set origin 0.46, y
	set title "throughput, ".tag_row." (higher is better)"
	set ylabel "containers/s"
	file = dir."/throughput-".variant.".dat"
	plot @bars
	set size 0.30, 0.31
	set origin 0.70, y
	set title "memory, ".tag_row." (lower is better)"
	set ylabel "MiB"
	file = dir."/memory-".variant.".dat"
	plot @bars
}

if (strstrt(runtimes, "baton") > 0) {
	set size 1.0, 0.31
	set origin 0.0, 0.0
	set title "baton per stage, from its --trace (mount-rootfs and final-exec both span the in-container chain)"
	set ylabel "ms"
	file = dir."/stages.dat"
	set xtics font ",9"
	plot file using 2:xtic(1) title "repeated" lc rgb "#1b9e77", \
	     file using 3 title "fresh" lc rgb "#66c2a5", \
	     file using ($0 - 1 / 6.0):2:(tag($2)) with labels offset 0,0.7 font ",8" notitle, \
	     file using ($0 + 1 / 6.0):3:(tag($3)) with labels offset 0,0.7 font ",8" notitle
}
unset multiplot
