import {Box, Text} from 'ink';

/** ink-select-input's pointer, kept from shrinking when a row wraps or is cut. */
export function Indicator({isSelected = false}: {readonly isSelected?: boolean}) {
	return (
		<Box marginRight={1} flexShrink={0}>
			<Text color="cyan">{isSelected ? '❯' : ' '}</Text>
		</Box>
	);
}
