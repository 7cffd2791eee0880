# bench/plot.gp: throughput against concurrency, from bench/run's sweep.
#
#   gnuplot -e "datafile='bench/out/sweep.dat'; outfile='docs/bench-throughput.svg'; subtitle='...'" bench/plot.gp
#
# datafile: "connections stations availability booking nginx" per line, requests/s ('#'
# lines are comments). Both axes are logarithmic: the connections go 1, 4, 16, 64, 256
# and the rates span from a create + cancel loop to nginx.
if (!exists("datafile")) datafile = 'bench/out/sweep.dat'
if (!exists("outfile")) outfile = 'bench/out/throughput.svg'
if (!exists("subtitle")) subtitle = ''

set terminal svg size 800,560 dynamic font 'sans,12' background rgb 'white'
set output outfile
set title "louyu and nginx: requests/s against connections\n".subtitle
set xlabel 'connections (wrk -c)'
set ylabel 'requests/s'
set logscale xy
set grid xtics ytics mxtics mytics lc rgb '#dddddd'
set key below left Left reverse maxrows 2 width -2
set xtics (1, 4, 16, 64, 256)
set format y '%.0f'
plot datafile using 1:5 with linespoints lw 2 pt 7 title 'nginx, static file (stations size)', \
     datafile using 1:2 with linespoints lw 2 pt 5 title 'GET /api/v1/stations', \
     datafile using 1:3 with linespoints lw 2 pt 9 title "a station's week (availability)", \
     datafile using 1:4 with linespoints lw 2 pt 11 title 'create + cancel a booking'
