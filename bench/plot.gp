# SPDX-License-Identifier: MIT
# plot.gp - the picture of a bench/run.sh run: received rates per receiver
# and frame size (median, min..max), and the latency distribution at
# 1,000 frames/s.  Called as: gnuplot -e "raw='DIR'; out='FILE.png';
# lat='NAMES'; title='...'" plot.gp
set terminal pngcairo size 1500,600 font ",10"
set output out
set multiplot layout 1,2 title "netring benchmark: ".title

set title "Received frames/s at saturation (median, min..max)"
set style data histograms
set style histogram errorbars gap 2 lw 1
set style fill solid 0.6 border -1
set ylabel "million frames/s"
set yrange [0:*]
set xtics rotate by -25
set key top right
set grid ytics
plot raw.'/rates.dat' using 2:3:4:xtic(1) title "64 B", \
     '' using 5:6:7 title "512 B", \
     '' using 8:9:10 title "1514 B"

unset style
set title "Latency at 1,000 frames/s, 64 B (send time to handler; NAME@receiver CPU)" noenhanced
set style data lines
set logscale x 10
set logscale y 10
set xlabel "latency, microseconds"
set ylabel "fraction of frames slower"
set xtics norotate
set yrange [1e-4:1]
set format y "10^{%L}"
set key top right
# Nine distinct colours; the wake-up floors dashed grey.
array colours[9] = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", \
		    "#8c564b", "#e377c2", "#17becf", "#bcbd22"]
is_floor(n) = strstrt(n, "wake-floor") == 1
if (strlen(lat) > 0) {
	plot for [i = 1:words(lat)] raw.'/'.word(lat, i).'.cdf' \
	     using ($2 / 1000.0):((100 - $1) > 0 ? (100 - $1) / 100.0 : 1/0) \
	     title word(lat, i) noenhanced lw 2 \
	     lc rgb (is_floor(word(lat, i)) ? "#808080" : colours[(i - 1) % 9 + 1]) \
	     dt 1 + is_floor(word(lat, i))
} else {
	set label 1 "no latency runs" at graph 0.5, graph 0.5 center
	set xrange [1:10]
	plot 1/0 notitle
}
unset multiplot
