/**
 * The document sections narration cites, headings exactly as they appear in ../shared/seeds/
 * (a test checks each against the document's text). Headings not in English carry a translation.
 */
export interface NarrationSource {
	/** The document's number: 000 … 004. */
	readonly document: string;
	readonly section: string;
	/** The heading in English, for a heading that is not. */
	readonly translation?: string;
}

const current = (section: string): NarrationSource => ({document: '004', section});

export const sections = {
	identityTypes: current('Workspace identity types'),
	userAssigned: current('User-assigned managed identity'),
	addUserAssigned: current('Add a user-assigned managed identity to a workspace in addition to a system-assigned identity'),
	computeCluster: current('Compute cluster'),
	dataStorage: current('Data storage'),
	accessingStorage: current('Accessing storage services'),
	computeData: current('Access data for training jobs on compute using managed identity'),
	userData: current('Access data for training jobs on compute clusters using user identity'),
	noAdminUser: current('Scenario: Azure Container Registry without admin user'),
	autoCreatedAcr: current('Azure Machine Learning with auto-created ACR instance'),
	bringYourOwnAcr: current('Bring your own ACR'),
	computeAcr: current('Create compute with managed identity to access Docker images for training'),
	inference: current('Use Docker images for inference'),
	pullAsIs: current('Pull Docker base image to machine learning compute cluster for training as is'),
	buildManagedCurrent: current('Build Azure Machine Learning managed environment into base image from private ACR for training or inference'),
	configureV1: {
		document: '001',
		section: 'Beheerde identiteiten configureren',
		translation: 'Configure managed identities',
	},
	pullAsIsV1: {
		document: '001',
		section: 'Docker-basisinstallatiekopie naar machine learning-rekencluster ophalen voor training zoals is',
		translation: 'Pull Docker base image to machine learning compute cluster for training as is',
	},
	buildManagedV1: {
		document: '001',
		section: 'Een door Azure Machine Learning beheerde omgeving bouwen in de basisinstallatiekopie van een persoonlijke ACR voor training of deductie',
		translation: 'Build an Azure Machine Learning managed environment into a base image from a private ACR for training or inference',
	},
} as const satisfies Record<string, NarrationSource>;

/** "document 004, “Compute cluster”", with the English heading after a translated one. */
export function citation(source: NarrationSource): string {
	return `document ${source.document}, “${source.section}”${source.translation ? ` (“${source.translation}”)` : ''}`;
}
