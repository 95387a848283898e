import {Box, Text} from 'ink';
import type {Narration} from '../../src/narration/narration.js';
import {citation} from '../../src/narration/sources.js';

export interface NarrationTextProps {
	readonly narration: Narration;
	/** Replaces the narration's own text (an outcome's explanation), keeping its source. */
	readonly text?: string;
	/** One line, cut to the terminal's width, without the source: for lists of many steps. */
	readonly isCompact?: boolean;
}

/** What Azure is doing, and which document section says so. */
export function NarrationText({narration, text = narration.text, isCompact = false}: NarrationTextProps) {
	if (isCompact) {
		return (
			<Text color="magenta" wrap="truncate-end">
				ℹ {text}
			</Text>
		);
	}
	return (
		<Box flexDirection="column">
			<Box>
				<Box marginRight={1} flexShrink={0}>
					<Text color="magenta">ℹ</Text>
				</Box>
				<Text color="magenta">{text}</Text>
			</Box>
			<Box paddingLeft={2}>
				<Text dimColor>— {citation(narration.source)}</Text>
			</Box>
		</Box>
	);
}
