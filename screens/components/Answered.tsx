import {Box, Text} from 'ink';

export interface AnsweredItem {
	readonly label: string;
	readonly value: string;
}

/** Questions already answered, collapsed to one line each. */
export function Answered({items}: {readonly items: readonly AnsweredItem[]}) {
	if (items.length === 0) return null;
	return (
		<Box flexDirection="column" marginBottom={1}>
			{items.map((item) => (
				<Text key={item.label}>
					<Text color="green">✔ </Text>
					<Text dimColor>{item.label.padEnd(14)}</Text>
					{item.value}
				</Text>
			))}
		</Box>
	);
}
