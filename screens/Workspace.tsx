import type {AzureGateway, RegistrySummary, WorkspaceSummary} from '../src/azure/gateway.js';
import {sameResourceId} from '../src/azure/resource-id.js';
import {ResourcePicker} from './components/ResourcePicker.js';

export interface WorkspaceProps {
	readonly gateway: AzureGateway;
	readonly subscription: {readonly id: string; readonly name: string};
	readonly onChosen: (workspace: WorkspaceSummary) => void;
	/** The workspace chosen before (back from the scenarios): the list starts on it. */
	readonly chosenBefore?: string;
	readonly onBack: () => void;
	readonly onQuit: (reason: 'quit' | 'interrupt') => void;
}

interface WorkspaceChoice {
	readonly workspace: WorkspaceSummary;
	readonly registry?: RegistrySummary;
}

export function describeWorkspace({workspace, registry}: WorkspaceChoice): string {
	const identity = `identity ${workspace.identityType ?? 'none'}`;
	let registryState = 'no ACR yet';
	if (workspace.containerRegistryId) {
		registryState = registry ? `ACR admin user ${registry.adminUserEnabled ? 'enabled' : 'disabled'}` : 'ACR not visible to you';
	}
	// Most telling first: rows are cut at the terminal's width.
	return `${registryState} · ${identity} · ${workspace.resourceGroup} · ${workspace.location}`;
}

export function Workspace({gateway, subscription, onChosen, chosenBefore, onBack, onQuit}: WorkspaceProps) {
	return (
		<ResourcePicker<WorkspaceChoice>
			title={`Choose a workspace in ${subscription.name}`}
			load={async function* () {
				// Workspaces and registries are independent reads: fetched together, and each page of
				// workspaces is shown as it arrives.
				const registries = gateway.listRegistries(subscription.id);
				registries.catch(() => {}); // seen (and reported) when awaited below
				for await (const workspaces of gateway.listWorkspacePages(subscription.id)) {
					const known = await registries;
					yield workspaces.map((workspace) => {
						const registry = known.find((candidate) => sameResourceId(candidate.id, workspace.containerRegistryId));
						return registry ? {workspace, registry} : {workspace};
					});
				}
			}}
			loadKey={`workspaces:${subscription.id}`}
			loadingLabel="Loading workspaces and container registries…"
			failureTitle="Could not list workspaces"
			emptyMessage={`No Azure Machine Learning workspaces in ${subscription.name}. Press Esc to choose another subscription.`}
			{...(chosenBefore ? {initialValue: chosenBefore} : {})}
			toItem={(choice) => ({value: choice.workspace.id, label: choice.workspace.name, detail: describeWorkspace(choice)})}
			onChosen={(choice) => onChosen(choice.workspace)}
			onBack={onBack}
			onQuit={onQuit}
		/>
	);
}
