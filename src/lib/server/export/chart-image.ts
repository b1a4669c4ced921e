import { createCanvas, GlobalFonts } from '@napi-rs/canvas';
import { Chart, Filler, Legend, LineElement, PointElement, RadarController, RadialLinearScale } from 'chart.js';
import { SERIES_COLOURS } from '$lib/domain/compare';
import { FONT_REGULAR } from './fonts';

let ready = false;
function setup() {
	if (ready) return;
	GlobalFonts.registerFromPath(FONT_REGULAR, 'DejaVu Sans');
	Chart.register(RadarController, RadialLinearScale, PointElement, LineElement, Filler, Legend);
	Chart.defaults.font.family = 'DejaVu Sans';
	ready = true;
}

export type ImageSeries = { label: string; data: (number | null)[]; style: 'current' | 'previous' | 'target' };

const STYLE = {
	current: { color: SERIES_COLOURS[0], dash: [] as number[], fill: true },
	previous: { color: SERIES_COLOURS[1], dash: [12, 8], fill: false },
	target: { color: '#7f7f7f', dash: [4, 6], fill: false }
};

/** The app's radar, drawn on the server at print resolution (same colours and dashes), as PNG. */
export function radarPng(labels: string[], series: ImageSeries[], size = 1000): Buffer {
	setup();
	const canvas = createCanvas(size, size);
	const chart = new Chart(canvas.getContext('2d') as unknown as CanvasRenderingContext2D, {
		type: 'radar',
		data: {
			labels,
			datasets: series.map((s) => ({
				label: s.label,
				data: s.data,
				borderColor: STYLE[s.style].color,
				backgroundColor: STYLE[s.style].fill ? `${STYLE[s.style].color}26` : 'transparent',
				borderDash: STYLE[s.style].dash,
				fill: STYLE[s.style].fill,
				pointRadius: s.style === 'target' ? 0 : 6,
				pointBackgroundColor: STYLE[s.style].color,
				borderWidth: 4,
				spanGaps: true
			}))
		},
		options: {
			responsive: false,
			animation: false,
			devicePixelRatio: 1,
			scales: { r: { min: 0, max: 5, ticks: { stepSize: 1, font: { size: 22 }, backdropColor: 'transparent' }, pointLabels: { font: { size: 22 } } } },
			plugins: { legend: { labels: { font: { size: 24 } } } }
		}
	});
	const png = canvas.toBuffer('image/png');
	chart.destroy();
	return png;
}
