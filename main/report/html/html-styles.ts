// The HTML report's only stylesheet, inlined; the CSP allows exactly this text by its hash.
import { severities } from '../../../shared/assessment.js';
import { severityColour, verdictColour } from '../severity-style.js';

const badges = severities.map((s) => `.sev-${s}{background:${severityColour[s].bg};color:${severityColour[s].fg}}`).join('\n');
const verdicts = Object.entries(verdictColour).map(([v, c]) => `.verdict-${v}{color:${c};font-weight:bold}`).join('\n');

export const htmlCss = `
body{font-family:"DejaVu Sans",Verdana,Arial,sans-serif;font-size:14px;line-height:1.45;color:#1f2937;max-width:60rem;margin:0 auto;padding:1.5rem}
h1{font-size:1.8rem;margin:0 0 .5rem}h2{border-bottom:2px solid #1f2937;padding-bottom:.2rem;margin-top:2.5rem}
h3{margin:.2rem 0}h4{margin:1rem 0 .3rem}
.cover{border-bottom:4px solid #1f2937;padding-bottom:1rem}.cover img{max-height:80px;max-width:240px;float:right}
dl.meta{display:grid;grid-template-columns:12rem 1fr;gap:.2rem 1rem}dl.meta dt{font-weight:bold}dl.meta dd{margin:0}dl.meta div{display:contents}
table{border-collapse:collapse;width:100%;margin:.5rem 0;font-size:.9em}th,td{border:1px solid #d1d5db;padding:.25rem .4rem;text-align:left;vertical-align:top;overflow-wrap:anywhere}
th{background:#e5e7eb}
pre{background:#f3f4f6;border:1px solid #d1d5db;padding:.5rem;font-size:12px;white-space:pre-wrap;overflow-wrap:anywhere;font-family:"DejaVu Sans Mono",monospace}
.badge{display:inline-block;padding:.05rem .5rem;border-radius:.3rem;font-weight:bold;font-size:.85em;text-transform:uppercase}
${badges}
${verdicts}
.finding{border:1px solid #d1d5db;border-left:6px solid #6b7280;padding:.5rem 1rem;margin:1rem 0;break-inside:avoid-page}
.finding .where{color:#4b5563}.note{color:#4b5563;font-style:italic}.posture{font-size:1.1rem;font-weight:bold}
.chart text{font-size:12px;font-family:inherit}
nav ol{columns:2}
.spf-node{font-family:"DejaVu Sans Mono",monospace;font-size:12px;white-space:pre-wrap;overflow-wrap:anywhere}
`;
