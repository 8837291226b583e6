/** A small SVG bar chart of activations and approvals per day, with a table for screen readers. */
export function ActivityChart({ data }: { data: { day: string; activations: number; approvals: number }[] }) {
  const max = Math.max(1, ...data.map((d) => Math.max(d.activations, d.approvals)));
  const W = 640;
  const H = 160;
  const slot = W / Math.max(1, data.length);
  const bar = Math.max(2, slot / 2 - 3);
  const y = (v: number) => H - 20 - (v / max) * (H - 40);
  const total = data.reduce((s, d) => s + d.activations + d.approvals, 0);
  return (
    <figure>
      <svg
        viewBox={`0 0 ${W} ${H}`}
        preserveAspectRatio="xMinYMid meet"
        role="img"
        aria-label={`Activations and approvals per day: ${total} in ${data.length} days`}
        className="h-auto max-h-56 w-full"
      >
        <line x1="0" x2={W} y1={H - 20} y2={H - 20} stroke="currentColor" strokeOpacity="0.2" />
        {data.map((d, i) => (
          <g key={d.day}>
            <rect x={i * slot + 2} y={y(d.activations)} width={bar} height={H - 20 - y(d.activations)} className="fill-indigo-500">
              <title>{`${d.day}: ${d.activations} activations`}</title>
            </rect>
            <rect x={i * slot + 2 + bar + 1} y={y(d.approvals)} width={bar} height={H - 20 - y(d.approvals)} className="fill-emerald-500">
              <title>{`${d.day}: ${d.approvals} approvals`}</title>
            </rect>
            {(i % 2 === 0 || data.length <= 7) && (
              <text x={i * slot + slot / 2} y={H - 5} textAnchor="middle" className="fill-current text-[10px] opacity-70">
                {d.day.slice(5)}
              </text>
            )}
          </g>
        ))}
        <text x="4" y="12" className="fill-current text-[10px] opacity-70">
          {max}
        </text>
      </svg>
      <figcaption className="mt-2 flex gap-4 text-xs">
        <span>
          <span aria-hidden="true" className="mr-1 inline-block h-2 w-2 bg-indigo-500" />
          Activations
        </span>
        <span>
          <span aria-hidden="true" className="mr-1 inline-block h-2 w-2 bg-emerald-500" />
          Approvals
        </span>
      </figcaption>
      <table className="sr-only">
        <caption>Activations and approvals per day</caption>
        <thead>
          <tr>
            <th>Day</th>
            <th>Activations</th>
            <th>Approvals</th>
          </tr>
        </thead>
        <tbody>
          {data.map((d) => (
            <tr key={d.day}>
              <td>{d.day}</td>
              <td>{d.activations}</td>
              <td>{d.approvals}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}
