import {useState} from 'react';
import {Box, Text} from 'ink';
import type {AzureGateway, RegistrySummary, WorkspaceSummary} from '../src/azure/gateway.js';
import {sameResourceId} from '../src/azure/resource-id.js';
import {FilterableSelect} from './components/FilterableSelect.js';
import {FailureMessage} from './components/FailureMessage.js';
import {Footer} from './components/Footer.js';
import {Loading} from './components/Loading.js';
import {keyHints, useNavigationKeys} from './keys.js';
import {useAsync} from './use-async.js';

export interface WorkspaceProps {
	readonly gateway: AzureGateway;
	readonly subscription: {readonly id: string; readonly name: string};
	readonly onChosen: (workspace: WorkspaceSummary) => void;
	readonly onBack: () => void;
	readonly onQuit: (reason: 'quit' | 'interrupt') => void;
}

export function describeWorkspace(workspace: WorkspaceSummary, registries: readonly RegistrySummary[]): string {
	const identity = `identity ${workspace.identityType ?? 'none'}`;
	let registry = 'no ACR yet';
	if (workspace.containerRegistryId) {
		const found = registries.find((candidate) => sameResourceId(candidate.id, workspace.containerRegistryId));
		registry = found ? `ACR admin user ${found.adminUserEnabled ? 'enabled' : 'disabled'}` : 'ACR not visible to you';
	}
	// Most telling first: rows are cut at the terminal's width.
	return `${registry} · ${identity} · ${workspace.resourceGroup} · ${workspace.location}`;
}

export function Workspace({gateway, subscription, onChosen, onBack, onQuit}: WorkspaceProps) {
	// Workspaces and registries are independent reads: fetch them together.
	const [listing, retry] = useAsync(
		async () => {
			const [workspaces, registries] = await Promise.all([
				gateway.listWorkspaces(subscription.id),
				gateway.listRegistries(subscription.id),
			]);
			return {workspaces, registries};
		},
		`workspaces:${subscription.id}`,
	);
	const [isFiltering, setFiltering] = useState(false);
	useNavigationKeys({
		onBack,
		onQuit,
		isActive: !isFiltering,
		onKey: (input) => input === 'r' && listing.status === 'failed' && retry(),
	});

	return (
		<Box flexDirection="column">
			<Text bold>Choose a workspace in {subscription.name}</Text>
			{listing.status === 'loading' ? <Loading label="Loading workspaces and container registries…" /> : null}
			{listing.status === 'failed' ? <FailureMessage title="Could not list workspaces" failure={listing.failure} /> : null}
			{listing.status === 'ready' && listing.value.workspaces.length === 0 ? (
				<Text color="yellow">
					No Azure Machine Learning workspaces in {subscription.name}. Press Esc to choose another subscription.
				</Text>
			) : null}
			{listing.status === 'ready' && listing.value.workspaces.length > 0 ? (
				<FilterableSelect
					items={listing.value.workspaces.map((workspace) => ({
						value: workspace.id,
						label: workspace.name,
						detail: describeWorkspace(workspace, listing.value.registries),
					}))}
					onFilteringChange={setFiltering}
					onSelect={(id) => {
						const chosen = listing.value.workspaces.find((workspace) => workspace.id === id);
						if (chosen) onChosen(chosen);
					}}
				/>
			) : null}
			<Footer
				hints={[
					keyHints.move,
					keyHints.filter,
					keyHints.select,
					...(listing.status === 'failed' ? [keyHints.retry] : []),
					keyHints.back,
					keyHints.quit,
				]}
			/>
		</Box>
	);
}
