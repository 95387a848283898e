import {Text} from 'ink';
import Spinner from 'ink-spinner';

export function Loading({label}: {readonly label: string}) {
	return (
		<Text>
			<Text color="cyan">
				<Spinner type="dots" />
			</Text>{' '}
			{label}
		</Text>
	);
}
