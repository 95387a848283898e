import {Box, Text} from 'ink';

/** The list pointer, kept from shrinking when a row wraps or is cut. */
export function Indicator({isSelected = false}: {readonly isSelected?: boolean}) {
	return (
		<Box marginRight={1} flexShrink={0}>
			<Text color="cyan">{isSelected ? '❯' : ' '}</Text>
		</Box>
	);
}
