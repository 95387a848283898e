/** Edit distance with adjacent transpositions (optimal string alignment), case-insensitive. */
export function editDistance(a: string, b: string): number {
	const s = a.toLowerCase();
	const t = b.toLowerCase();
	const d: number[][] = Array.from({length: s.length + 1}, (_, i) => Array.from({length: t.length + 1}, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
	for (let i = 1; i <= s.length; i++) {
		for (let j = 1; j <= t.length; j++) {
			const cost = s[i - 1] === t[j - 1] ? 0 : 1;
			d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
			if (i > 1 && j > 1 && s[i - 1] === t[j - 2] && s[i - 2] === t[j - 1]) d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
		}
	}
	return d[s.length]![t.length]!;
}

/** The known key a misspelt one was probably meant to be (two edits at most), if any. */
export function nearMiss(key: string, known: readonly string[]): string | undefined {
	let best: {key: string; distance: number} | undefined;
	for (const candidate of known) {
		if (candidate === key) continue;
		const distance = editDistance(key, candidate);
		if (distance <= Math.min(2, Math.floor(candidate.length / 3)) && (!best || distance < best.distance)) best = {key: candidate, distance};
	}
	return best?.key;
}
