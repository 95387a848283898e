import {Box, Text} from 'ink';

export function Footer({hints}: {readonly hints: readonly string[]}) {
	return (
		<Box marginTop={1}>
			<Text dimColor>{hints.join(' · ')}</Text>
		</Box>
	);
}
